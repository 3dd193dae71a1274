import PCSC
import SSCardValues

/// The SSSE application on a social security card, over one card channel.
///
/// One instance per card session: it remembers whether SSSE is selected and
/// the identity it read, so that PIN maintenance after a read costs no extra
/// reads. Not thread-safe; the channel is used by one caller at a time.
public final class SocialSecurityApplication {
    /// "sx1.sh." followed by 社会保障 in GBK: the DDF name of SSSE.
    public static let applicationName: [UInt8] = [
        0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF,
    ]

    /// APDUs `readIdentity` sends: SELECT SSSE plus one READ RECORD per
    /// field (5 in EF05, 7 in EF06).
    public static let identityCommandCount = 1 + CardField.identityFields.count

    public let channel: any CardChannel
    /// APDUs sent through this instance so far.
    public private(set) var commandsSent = 0
    /// The identity from the last `readIdentity`, used for MAC'd commands.
    public private(set) var identity: CardIdentity?
    /// Overrides the key algorithm otherwise chosen from the card's generation.
    public var keyAlgorithm: KeyAlgorithm?
    private var selected = false
    /// Whether this session sent a command that can leave the chip in a
    /// verified or authenticated state (a PIN command or a MAC'd command),
    /// successful or not. Whoever ends the session must then reset the card,
    /// so that no other program finds it verified.
    public private(set) var holdsSecurityState = false

    public init(channel: any CardChannel) {
        self.channel = channel
    }

    /// SELECT SSSE by name: `00 A4 04 00 0F <name>`.
    public func select() throws(CardError) {
        let response = try send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x00, data: Self.applicationName),
                                as: .selectApplication)
        guard response.statusWord.isSuccess else {
            selected = false
            throw .applicationNotFound(response.statusWord)
        }
        selected = true
    }

    /// Selects SSSE and reads EF05 and EF06 by record identifier:
    /// `identityCommandCount` APDUs, no SELECT EF.
    public func readIdentity() throws(CardError) -> CardIdentity {
        try select()
        var responses = [CardField: ResponseAPDU]()
        for field in CardField.identityFields {
            responses[field] = try readRecord(field)
        }
        let decoded = try CardIdentity(responses: responses, atr: channel.atr)
        identity = decoded
        return decoded
    }

    /// Selects SSSE and reads the card number alone from EF05 (issuer
    /// data): 2 APDUs. A temporarily blocked application still shows EF05
    /// while refusing EF06, so this is how a counter checks which card it
    /// holds before APPLICATION UNBLOCK.
    public func readCardNumber() throws(CardError) -> CardNumber {
        try select()
        let response = try readRecord(.cardNumber)
        guard response.statusWord.isSuccess else { throw lockError(response.statusWord, .readRecord(.cardNumber)) }
        let text = try FieldDecoding.ascii(try FieldDecoding.value(of: response.data, field: .cardNumber), field: .cardNumber)
        do { return try CardNumber(text) } catch { throw .invalidField(.cardNumber, .invalidValue(error)) }
    }

    /// READ RECORD `00 B2 <tag> <SFI << 3> <length + 2>`; the raw response.
    public func readRecord(_ field: CardField) throws(CardError) -> ResponseAPDU {
        let read = field.readCommand
        return try send(CommandAPDU(cla: 0x00, ins: 0xB2, p1: read.p1, p2: read.p2, le: read.le),
                        as: .readRecord(field))
    }

    // MARK: Shared plumbing for the PIN and maintenance commands

    /// Notes a PIN verification that did not pass through `send`, such as
    /// one entered on the reader's PIN pad.
    public func noteSecurityStateChange() {
        holdsSecurityState = true
    }

    func send(_ command: CommandAPDU, as name: CardCommand) throws(CardError) -> ResponseAPDU {
        commandsSent += 1
        if name.changesSecurityState { holdsSecurityState = true }
        do {
            return try channel.transmit(command)
        } catch {
            selected = false
            throw .transmission(name, reason: String(describing: error))
        }
    }

    func ensureSelected() throws(CardError) {
        if !selected { try select() }
    }

    /// Card id and key algorithm for a MAC'd command: from the identity if
    /// it was read, else from EF05 tags 01 and 03 (two READ RECORDs).
    func macContext() throws(CardError) -> (cardId: CardIdentificationCode, algorithm: KeyAlgorithm) {
        if let identity { return (identity.cardId, keyAlgorithm ?? identity.keyAlgorithm) }
        var values = [CardField: [UInt8]]()
        for field in [CardField.cardId, .specVersion] {
            let response = try readRecord(field)
            guard response.statusWord.isSuccess else { throw .recordNotFound(field, response.statusWord) }
            values[field] = try FieldDecoding.value(of: response.data, field: field)
        }
        let cardId: CardIdentificationCode
        do { cardId = try CardIdentificationCode(bytes: values[.cardId] ?? []) } catch {
            throw .invalidField(.cardId, .invalidValue(error))
        }
        let version = values[.specVersion] ?? []
        guard let first = version.first, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) else {
            throw .invalidField(.specVersion, .unknownCode)
        }
        return (cardId, keyAlgorithm ?? KeyAlgorithm(generation: Int(first - UInt8(ascii: "0"))))
    }

    /// GET CHALLENGE `00 84 00 00 <n>`: the card's random for the next MAC.
    func challenge(length: Int) throws(CardError) -> [UInt8] {
        let response = try send(CommandAPDU(cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: length), as: .getChallenge)
        guard response.statusWord.isSuccess else { throw .unexpectedStatus(.getChallenge, response.statusWord) }
        guard response.data.count == length else { throw .invalidChallenge(received: response.data.count) }
        return response.data
    }

    /// Status words every card-state-changing command treats alike.
    func lockError(_ status: StatusWord, _ command: CardCommand) -> CardError {
        switch status {
        case .applicationPermanentlyLocked: return .applicationPermanentlyLocked(command)
        case .functionNotSupported: return .applicationLocked(command)
        case .macInvalid: return .macRejected(command)
        default: return .unexpectedStatus(command, status)
        }
    }
}
