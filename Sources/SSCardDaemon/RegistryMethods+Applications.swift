import Registry
import SocialSecurityCard
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Varlink

extension RegistryMethods {
    func apply(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        guard let h = try p.nested(.holder) else { throw VarlinkError.invalidParameter(.holder) }
        let holder = Holder(ssn: try h.ssn(.ssn),
                            name: try h.holderName(.name),
                            phone: try h.optionalText(.phone, limit: Parameters.TextLimit.phone), address: try h.optionalText(.address, limit: Parameters.TextLimit.address),
                            guardianSsn: try h.optionalSSN(.guardianSsn))
        guard let evidence = try p.nested(.evidence) else { throw VarlinkError.invalidParameter(.evidence) }
        let application = try registry.apply(for: holder, evidence: try RegistryJSON.evidence(evidence), actor: context.actor,
                                             channel: try p.optionalChoice(.channel, ApplicationChannel.self) ?? .counter,
                                             delivery: try RegistryJSON.delivery(try p.nested(.delivery)))
        return .fields([.application: RegistryJSON.application(application)])
    }

    func advance(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let application = try registry.advance(applicationId: try p.int(.applicationId),
                                               to: try p.choice(.stage, ApplicationStage.self),
                                               actor: context.actor, reason: try p.optionalReason())
        return .fields([.application: RegistryJSON.application(application)])
    }

    func recordInstantProduction(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let application = try registry.recordInstantProduction(applicationId: try p.int(.applicationId),
                                                               actor: context.actor, reason: try p.optionalReason())
        return .fields([.application: RegistryJSON.application(application)])
    }

    /// Binds by a given identity object or by reading the card in a reader.
    func bind(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let chip: ChipIdentity
        if let identity = try p.nested(.identity) {
            chip = ChipIdentity(cardNumber: try identity.cardNumber(.cardNumber),
                                cardId: try identity.cardId(.cardId),
                                ssn: try identity.ssn(.ssn),
                                generation: try Self.generation(identity))
        } else if p.has(.reader) {
            let read = try cardInReader(p, context)
            chip = ChipIdentity(cardNumber: read.cardNumber, cardId: read.cardId, ssn: read.ssn,
                                generation: CardGeneration.of(specVersion: read.specVersion))
        } else {
            throw VarlinkError.invalidParameter(.identity)
        }
        let card = try registry.bind(applicationId: try p.int(.applicationId), chip: chip, actor: context.actor,
                                     evidence: try RegistryJSON.evidence(try p.nested(.evidence)))
        return try cardReply(card)
    }

    /// The generation named by an identity's specVersion; a version given
    /// but naming none is bad input, reported on `specVersion`.
    static func generation(_ identity: Parameters) throws -> Int? {
        guard let version = try identity.optionalString(.specVersion) else { return nil }
        guard let generation = CardGeneration.of(specVersion: version) else {
            throw identity.invalidValue(.specVersion, "'\(version)' does not start with a generation digit (1.00, 2.00, 3.00)")
        }
        return generation
    }

    func replace(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let number = try p.cardNumber(.cardNumber)
        let application = try registry.replace(
            request(number, context), reason: try p.choice(.replacementReason, ReplacementReason.self),
            newName: try p.optionalHolderName(.newName), feeWaived: try p.optionalBool(.feeWaived) ?? false)
        return .fields([.application: RegistryJSON.application(application)])
    }

    func updateHolder(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let holder = try registry.updateHolder(ssn: try p.ssn(.ssn),
                                               phone: try p.optionalText(.phone, limit: Parameters.TextLimit.phone),
                                               address: try p.optionalText(.address, limit: Parameters.TextLimit.address), actor: context.actor,
                                               evidence: try RegistryJSON.evidence(try p.nested(.evidence)))
        return .fields([.holder: RegistryJSON.holder(holder)])
    }
}
