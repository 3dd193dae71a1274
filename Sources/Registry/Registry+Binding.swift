import SSCardValues

/// The chip identity read from a produced card at its first reading.
public struct ChipIdentity: Hashable, Sendable {
    public var cardNumber: CardNumber
    public var cardId: CardIdentificationCode
    public var ssn: SocialSecurityNumber
    /// From the chip's specification version, when the reading gave it.
    public var generation: Int?

    public init(cardNumber: CardNumber, cardId: CardIdentificationCode, ssn: SocialSecurityNumber,
                generation: Int? = nil) {
        self.cardNumber = cardNumber
        self.cardId = cardId
        self.ssn = ssn
        self.generation = generation
    }
}

extension Registry {
    /// Binds a produced card to its chip identity. The card starts `issued`;
    /// binding a replacement cancels the card it replaces in the same
    /// transaction, and a replacement carrying a new name gives the holder
    /// that name now (the old card, with the old name on its chip, stops
    /// being usable in the same commit). A chip identity that was ever bound
    /// can never be bound again, so a lost or cancelled chip cannot come back.
    /// Before the commit the holder's invariants are checked once more
    /// (`HolderInvariants`): binding is the one step that adds a card.
    public func bind(applicationId: Int64, chip: ChipIdentity, actor: Actor,
                     evidence: Evidence = .none) throws -> CardRecord {
        let attempt = Attempt(action: .bind, actor: actor, evidence: evidence, cardNumber: chip.cardNumber,
                              ssn: chip.ssn, applicationId: applicationId)
        return try mutate(attempt) { writer, events in
            guard var application = try writer.application(applicationId) else {
                throw RegistryError.applicationNotFound(applicationId)
            }
            guard application.cardNumber == nil else {
                throw RegistryError.ruleViolated(rule: .applicationAlreadyBound,
                                                 detail: "application \(applicationId) already has a card")
            }
            guard application.stage.allowsBinding else {
                throw RegistryError.ruleViolated(
                    rule: .applicationStage, detail: "a card can be bound once produced; the application is \(application.stage.rawValue)")
            }
            guard chip.ssn == application.ssn else {
                throw RegistryError.ruleViolated(rule: .identityMismatch,
                                                 detail: "the chip's social security number is not the applicant's")
            }
            // A card from a production batch is bound only to the chip the batch said it made.
            if let produced = try writer.producedCard(applicationId: applicationId),
               produced.cardNumber != chip.cardNumber || produced.cardId != chip.cardId {
                throw RegistryError.ruleViolated(
                    rule: .identityMismatch,
                    detail: "the chip is not the card batch '\(produced.batchId)' produced for application \(applicationId)")
            }
            if try writer.card(chipId: chip.cardId) != nil {
                throw RegistryError.ruleViolated(rule: .chipAlreadyBound, detail: "this chip identity was bound before")
            }
            if try writer.card(chip.cardNumber) != nil {
                throw RegistryError.ruleViolated(rule: .cardNumberInUse, detail: "card \(chip.cardNumber) exists already")
            }
            let now = clock.now()
            let replaced = try application.replaces.map { number -> CardRecord in
                guard let old = try writer.card(number) else { throw RegistryError.cardNotFound(number) }
                return old
            }
            if replaced == nil,
               let holding = try writer.cards(of: application.ssn).first(where: { $0.state.holdsTheHoldersPlace }) {
                throw RegistryError.ruleViolated(
                    rule: .holderAlreadyHasCard,
                    detail: "card \(holding.cardNumber) is \(holding.state.rawValue) and holds the holder's place")
            }
            let card = CardRecord(cardNumber: chip.cardNumber, cardId: chip.cardId, ssn: chip.ssn,
                                  applicationId: applicationId, state: .issued, generation: chip.generation,
                                  updatedAt: now)
            try writer.insert(card)
            if let old = replaced, old.state != .cancelled {
                let request = CardRequest(cardNumber: old.cardNumber, actor: actor, evidence: evidence,
                                          reason: "replaced by \(chip.cardNumber.rawValue)")
                var cancelled = try transition(old, .supersede, request: request, now: now)
                cancelled.replacedBy = chip.cardNumber
                try writer.update(cancelled)
                try AuditTrail.append(auditEntry(for: .supersede, request: request, from: old, to: cancelled, at: now),
                                      to: writer)
                events.append(.cardChanged(cancelled, action: AuditAction(.supersede), actor: actor))
            }
            var detail = ["cardId=\(chip.cardId.rawValue)"]
            if let generation = chip.generation { detail.append("generation=\(generation)") }
            if let newName = application.newName, var holder = try writer.holder(application.ssn) {
                holder.name = newName
                try writer.update(holder, at: now)
                detail.append("nameChanged")
                events.append(.holderChanged(holder.ssn, actor: actor))
            }
            let old = application.stage
            application.cardNumber = chip.cardNumber
            application.stage = .delivered
            application.updatedAt = now
            try writer.update(application)
            let broken = HolderInvariants.violations(cards: try writer.cards(of: application.ssn),
                                                     applications: try writer.applications(of: application.ssn))
            if let first = broken.first {
                throw RegistryError.ruleViolated(rule: .holderInvariant, detail: first)
            }
            try AuditTrail.append(AuditEntry(
                sequence: 0, at: now, actor: actor, action: .bind, outcome: .done, cardNumber: chip.cardNumber.rawValue,
                ssn: chip.ssn.rawValue, applicationId: applicationId, evidence: evidence,
                oldState: old.rawValue, newState: CardState.issued.rawValue, detail: detail.joined(separator: ";")),
                to: writer)
            events.append(.cardChanged(card, action: .bind, actor: actor))
            return card
        }
    }

    /// Changes non-key information (phone, address). Key information — the
    /// name or the number — changes only through a replacement.
    public func updateHolder(ssn: SocialSecurityNumber, phone: String?, address: String?,
                             actor: Actor, evidence: Evidence) throws -> Holder {
        let attempt = Attempt(action: .updateHolder, actor: actor, evidence: evidence, ssn: ssn)
        return try mutate(attempt) { writer, events in
            if actor.channel == .counter, !evidence.showsIdentity {
                throw RegistryError.ruleViolated(rule: .evidenceRequired,
                                                 detail: "an information change needs an identity document")
            }
            guard var holder = try writer.holder(ssn) else { throw RegistryError.holderNotFound(ssn) }
            var changed: [String] = []
            if let phone, phone != holder.phone { holder.phone = phone; changed.append("phone") }
            if let address, address != holder.address { holder.address = address; changed.append("address") }
            let now = clock.now()
            try writer.update(holder, at: now)
            try AuditTrail.append(AuditEntry(
                sequence: 0, at: now, actor: actor, action: .updateHolder, outcome: .done, ssn: ssn.rawValue,
                evidence: evidence, detail: "changed=\(changed.joined(separator: ","))"), to: writer)
            events.append(.holderChanged(ssn, actor: actor))
            return holder
        }
    }
}
