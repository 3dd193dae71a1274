import PCSC
import Registry
import SocialSecurityCard
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Varlink

/// org.sscard.Reader: readers, identity reads and PIN commands.
///
/// The PIN commands go through the registry like Registry.ChangePassword
/// (`ChipGate`): the card in the reader must be in the registry and in a
/// state that allows it, and every attempt is in the audit trail.
struct ReaderMethods: Sendable {
    let registry: Registry
    let readers: CardReaders
    let terminalNumber: String
    let terminalDevice: String

    typealias Method = @Sendable (ReaderMethods, CallContext) throws -> JSONValue

    static let methods: [ReaderMethod: Method] = [
        .listReaders: { try $0.listReaders($1) },
        .readCard: { try $0.readCard($1) },
        .verifyPin: { try $0.verifyPin($1) },
        .changePin: { try $0.changePin($1) },
    ]

    func listReaders(_ context: CallContext) throws -> JSONValue {
        .fields([.readers: .array(try readers.list(within: context.readerScope).map { reader in
            var object: [WireKey: JSONValue] = [
                .name: .string(reader.name), .interface: .string(reader.kind.rawValue),
                .cardPresent: .bool(reader.cardPresent), .securePinEntry: .bool(reader.securePinEntry),
                .unresponsive: .bool(reader.unresponsive),
            ]
            if reader.cardPresent { object[.atr] = .string(Hex.encode(reader.atr)) }
            return .fields(object)
        })])
    }

    /// What a read found: the identity, or a chip whose application is
    /// blocked (EF06 answers `6A81`), known by the card number in EF05.
    enum ChipRead: Sendable {
        case identity(CardIdentity)
        case blocked(CardNumber)
    }

    func readCard(_ context: CallContext) throws -> JSONValue {
        let (reader, read) = try readers.withCard(reader: try context.reader(), within: context.readerScope) {
            application, _ -> ChipRead in
            do {
                return .identity(try application.readIdentity())
            } catch {
                guard case let .recordNotFound(_, status)? = error as? CardError, status == .functionNotSupported else {
                    throw error
                }
                return .blocked(try application.readCardNumber())
            }
        }
        let identity: CardIdentity
        switch read {
        case let .identity(read): identity = read
        case let .blocked(number): throw chipBlocked(number, reader: reader, context)
        }
        let basicInfo = try BasicInfo(identity: identity, terminalNumber: terminalNumber, terminalDevice: terminalDevice)
        return .fields([.reader: .string(reader), .identity: IdentityJSON.identity(identity), .basicInfo: .string(basicInfo.text)])
    }

    /// Verifies a PIN typed on the kiosk's keypad or, without `pin`, on the
    /// reader's PIN pad, where it never passes through the host. A wrong PIN
    /// spends a try, so the registry must allow it first (an active card).
    func verifyPin(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let typed = try p.optionalString(.pin).map(pin)
        let reader = try context.reader()
        let request = try holderRequest(context, reader: reader)
        let outcome = try gate.run(.verifyPin, request, reader: reader, scope: context.readerScope) {
            application, connection in
            if let typed { return try application.verifyPIN(typed) }
            let (features, refusal) = try connection.probeFeatures()
            if let refusal { readers.noteFeatureProbeRefused(connection.reader, refusal) }
            guard let pad = PINPad(connection: connection, features: features) else {
                throw ReaderFailure.pinFormat("no PIN given and the reader has no PIN pad")
            }
            try application.select()
            application.noteSecurityStateChange()
            let status = try pad.verify().statusWord
            if status.isSuccess { return PINVerification.verified }
            if let triesLeft = status.triesLeft { return .wrong(triesLeft: triesLeft) }
            if status == .pinBlocked { return .blocked }
            throw ReaderFailure.cardFailed(reader: connection.reader, reason: "PIN pad verify failed", statusWord: status.description)
        }
        try gate.finish(.verifyPin, request, outcome)
        return Self.reply(outcome)
    }

    /// The holder's PIN change: decided and recorded as Registry.ChangePassword
    /// by reader is (at the counter, with the evidence it needs).
    func changePin(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let old = try pin(try p.string(.oldPin))
        let new = try pin(try p.string(.newPin))
        let reader = try context.reader()
        let request = try holderRequest(context, reader: reader)
        let outcome = try gate.run(.changePassword, request, reader: reader, scope: context.readerScope) {
            application, _ in try application.changePIN(old: old, new: new)
        }
        try gate.finish(.changePassword, request, outcome)
        return Self.reply(outcome)
    }

    /// ChipBlocked for a card whose chip refuses its holder data, with the
    /// registry's state of the card when the registry knows it (a kiosk is
    /// shown the card number masked, as in every reply it gets).
    func chipBlocked(_ number: CardNumber, reader: String, _ context: CallContext) -> VarlinkError {
        let state = (try? registry.status(of: number))?.card.state.rawValue
        let shown = context.isKiosk ? PersonalData.maskCardNumber(number.rawValue) : number.rawValue
        var parameters: [WireKey: JSONValue] = [
            .reader: .string(reader), .cardNumber: .string(shown),
            .reason: "the card's application is blocked on the chip: unblock it at a counter reader (Registry.Unlock with reader)",
        ]
        if let state { parameters[.registryState] = .string(state) }
        return VarlinkError(ReaderErrorName.chipBlocked, parameters)
    }

    /// A request about the card in `reader`, read from its chip.
    func holderRequest(_ context: CallContext, reader: String?) throws -> CardRequest {
        let identity = try gate.cardInReader(reader, scope: context.readerScope)
        return CardRequest(cardNumber: identity.cardNumber, actor: context.actor,
                           evidence: try RegistryJSON.evidence(try context.parameters.nested(.evidence)))
    }

    var gate: ChipGate { ChipGate(registry: registry, readers: readers) }

    func pin(_ text: String) throws -> PIN {
        do { return try PIN(text) } catch { throw ReaderFailure.pinFormat(String(describing: error)) }
    }

    static func reply(_ outcome: PINVerification) -> JSONValue {
        switch outcome {
        case .verified: return .fields([.result: "verified"])
        case let .wrong(triesLeft): return .fields([.result: "wrong", .triesLeft: .int(Int64(triesLeft))])
        case .blocked: return .fields([.result: "blocked", .triesLeft: 0])
        }
    }

    /// The Monitor event for a reader event.
    static func event(_ event: CardReaders.Event) -> JSONValue {
        var object: [WireKey: JSONValue] = [.reader: .string(event.reader)]
        switch event.change {
        case .reader(.readerAttached): object[.event] = "readerAttached"
        case .reader(.readerDetached): object[.event] = "readerDetached"
        case let .reader(.cardInserted(_, atr)):
            object[.event] = "cardInserted"
            object[.atr] = .string(Hex.encode(atr))
        case .reader(.cardRemoved): object[.event] = "cardRemoved"
        case .unresponsive: object[.event] = "readerUnresponsive"
        case .responsive: object[.event] = "readerResponsive"
        }
        if let identity = event.identity { object[.identity] = IdentityJSON.identity(identity) }
        if let error = event.readError { object[.readError] = .string(error) }
        return .fields(object)
    }
}
