import SSCardValues

extension Registry {
    public func activate(_ request: CardRequest) throws -> CardRecord {
        try perform(.activate, request)
    }

    /// Reports a loss. Both kinds take effect at once; a temporary loss gets
    /// its deadline (now + the policy's days) in the same transaction. The
    /// reminder to report the loss to the bank is recorded with the loss
    /// (`bankReminder` in the entry's detail): what the caller says it did,
    /// the kiosk's screen, or "returned to the caller"; "not needed" while
    /// the bank function is not open.
    public func reportLoss(_ kind: LossKind, _ request: CardRequest) throws -> CardRecord {
        try perform(kind.operation, request)
    }

    /// Releases a temporary or formal loss, restoring the interrupted state.
    public func releaseLoss(_ request: CardRequest) throws -> CardRecord {
        try perform(.releaseLoss, request)
    }

    public func lock(_ request: CardRequest) throws -> CardRecord { try perform(.lock, request) }
    public func unlock(_ request: CardRequest) throws -> CardRecord { try perform(.unlock, request) }

    /// Records a password reset (the card's retry counter and new PIN are set
    /// on the chip; the PIN itself never reaches the registry).
    public func resetPassword(_ request: CardRequest) throws -> CardRecord {
        try perform(.resetPassword, request)
    }

    /// Records a password change done on the chip.
    public func changePassword(_ request: CardRequest) throws -> CardRecord {
        try perform(.changePassword, request)
    }

    public func seal(_ request: CardRequest) throws -> CardRecord { try perform(.seal, request) }
    public func unseal(_ request: CardRequest) throws -> CardRecord { try perform(.unseal, request) }
    /// Cancels a card (注销) at the counter: terminal. The request names the
    /// reason kind, whose documents `CancellationRules` checks.
    public func cancel(_ request: CardRequest, reason: CancellationReason) throws -> CardRecord {
        var request = request
        request.cancellationReason = reason
        return try perform(.cancel, request)
    }

    /// Applies one lifecycle operation: checks the evidence rules, asks the
    /// transition table, writes the card and its audit entry together.
    public func perform(_ operation: CardOperation, _ request: CardRequest) throws -> CardRecord {
        let attempt = Attempt(action: AuditAction(operation), actor: request.actor, evidence: request.evidence,
                              cardNumber: request.cardNumber)
        return try mutate(attempt) { writer, events in
            guard let card = try writer.card(request.cardNumber) else {
                throw RegistryError.cardNotFound(request.cardNumber)
            }
            try checkOffered(operation, through: request.actor.channel, state: card.state)
            try Self.checkEvidence(for: operation, request, state: card.state)
            if operation == .cancel { try Self.checkCancellation(request) }
            let now = clock.now()
            let updated = try transition(card, operation, request: request, now: now)
            try writer.update(updated)
            try AuditTrail.append(auditEntry(for: operation, request: request, from: card, to: updated, at: now),
                                  to: writer)
            events.append(.cardChanged(updated, action: AuditAction(operation), actor: request.actor))
            return updated
        }
    }

    /// Refuses an operation the region does not offer through the caller's
    /// channel (a PIN change at a Fushun kiosk), naming the channels that do
    /// and the card's state. `perform` and `authorise` (before a chip is
    /// touched) both ask it.
    func checkOffered(_ operation: CardOperation, through channel: Actor.Channel, state: CardState?) throws {
        guard let channels = policy.channels(for: operation), !channels.contains(channel) else { return }
        let offered = Actor.Channel.allCases.filter(channels.contains).map(\.rawValue).joined(separator: ", ")
        throw RegistryError.ruleViolated(
            rule: .channelNotOffered,
            detail: "\(operation.rawValue) is not offered through the \(channel.rawValue) channel here (offered: "
                + "\(offered))" + (state.map { "; the card is \($0.rawValue)" } ?? ""))
    }

    /// The new card record after `operation`, or the lifecycle's refusal.
    func transition(_ card: CardRecord, _ operation: CardOperation, request: CardRequest,
                    now: Timestamp) throws -> CardRecord {
        let conditions = CardLifecycle.Conditions(
            replacementBound: card.replacedBy != nil,
            atCounter: request.actor.channel == .counter,
            deadlinePassed: card.lossDeadline.map { $0 <= now } ?? false,
            unblocksBlockedChip: operation == .unlock && request.onChip && card.chipBlocked)
        let next: CardLifecycle.Position
        switch CardLifecycle.apply(operation, to: card.position, conditions: conditions) {
        case let .success(position): next = position
        case let .failure(refusal): throw RegistryError.refused(card.cardNumber, refusal)
        }
        var updated = card
        if request.onChip, operation == .lock || operation == .unlock {
            updated.chipBlocked = operation == .lock
        }
        updated.state = next.state
        updated.previousState = next.previousState
        updated.updatedAt = now
        switch next.state {
        case .temporarilyLost:
            updated.lossDeadline = now.adding(days: policy.temporaryLossDays)
            updated.electronicCredentialContinues = request.electronicCredentialContinues ?? false
        case .formallyLost:
            updated.lossDeadline = nil
            updated.electronicCredentialContinues = request.electronicCredentialContinues
                ?? card.electronicCredentialContinues ?? false
        default:
            updated.lossDeadline = nil
            updated.electronicCredentialContinues = nil
        }
        return updated
    }

    func auditEntry(for operation: CardOperation, request: CardRequest, from old: CardRecord,
                    to new: CardRecord, at now: Timestamp) -> AuditEntry {
        var detail: [String] = []
        if let deadline = new.lossDeadline, old.lossDeadline != deadline {
            detail.append("lossExpiresAt=\(deadline.rfc3339)")
        }
        if let continues = new.electronicCredentialContinues, new.state != old.state {
            detail.append("electronicCredentialContinues=\(continues)")
        }
        if operation == .reportTemporaryLoss || operation == .reportFormalLoss {
            detail.append("bankReminder=\(Self.bankReminder(request, bankFunction: old.bankFunction).rawValue)")
        }
        if new.chipBlocked != old.chipBlocked {
            detail.append("chipBlocked=\(new.chipBlocked)")
        } else if operation == .unlock, new.chipBlocked {
            // Unlocked in the registry without the card: the chip still refuses.
            detail.append("chipStillBlocked=true")
        }
        if operation == .cancel, let reason = request.cancellationReason {
            detail.append("cancellationReason=\(reason.rawValue)")
        }
        return AuditEntry(sequence: 0, at: now, actor: request.actor, action: AuditAction(operation), outcome: .done,
                          cardNumber: new.cardNumber.rawValue, ssn: new.ssn.rawValue,
                          applicationId: new.applicationId, evidence: request.evidence,
                          oldState: old.state.rawValue, newState: new.state.rawValue, reason: request.reason,
                          detail: detail.isEmpty ? nil : detail.joined(separator: ";"))
    }

    /// How the bank reminder of a loss report reached the holder, as recorded.
    static func bankReminder(_ request: CardRequest, bankFunction: BankFunction) -> BankReminder {
        guard bankFunction.needsLossReminder else { return .notNeeded }
        if let given = request.bankReminder { return given }
        return request.actor.channel == .kiosk ? .shownOnKiosk : .returnedToCaller
    }

    /// A cancellation names its reason kind and shows that kind's documents,
    /// whoever performs it.
    static func checkCancellation(_ request: CardRequest) throws {
        guard let reason = request.cancellationReason else {
            throw RegistryError.ruleViolated(
                rule: .cancellationEvidence,
                detail: "a cancellation needs a reason kind (\(CancellationReason.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let refusal = CancellationRules.check(reason, evidence: request.evidence, reasonText: request.reason) {
            throw RegistryError.ruleViolated(rule: .cancellationEvidence, detail: refusal.description)
        }
    }

    /// Counter services need the holder's identity shown. A password reset
    /// needs the ID card and the card itself (003 Q7, 004 item 85); a proxy
    /// resetting it shows, besides those of the holder, their own identity
    /// document. A refusal names the rule, what is missing and the card's state.
    static func checkEvidence(for operation: CardOperation, _ request: CardRequest, state: CardState? = nil) throws {
        guard request.actor.channel == .counter else { return }
        let evidence = request.evidence
        let inState = state.map { " (the card is \($0.rawValue))" } ?? ""
        switch operation {
        case .autoRelease, .supersede, .seal, .unseal:
            return  // administrative: a reason, not the holder's documents
        case .cancel:
            return  // checked for every channel in checkCancellation
        case .resetPassword:
            let missing = [Evidence.Document.idCard, .socialSecurityCard].filter { !evidence.shows($0) }
            if !missing.isEmpty {
                throw RegistryError.ruleViolated(
                    rule: .evidenceRequired,
                    detail: "resetPassword at the counter needs the holder's idCard and socialSecurityCard; missing: "
                        + missing.map(\.rawValue).joined(separator: ", ") + inState)
            }
            if evidence.proxySsn != nil, evidence.proxyDocument == nil {
                throw RegistryError.ruleViolated(
                    rule: .evidenceRequired,
                    detail: "a proxy resetting a password shows their own identity document (proxyDocument)" + inState)
            }
        default:
            guard evidence.showsIdentity else {
                throw RegistryError.ruleViolated(
                    rule: .evidenceRequired,
                    detail: "\(operation.rawValue) at the counter needs an identity document" + inState)
            }
        }
    }
}
