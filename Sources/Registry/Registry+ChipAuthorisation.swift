import SSCardValues

/// Decide, then act: the registry's half of every command that changes a chip.
///
/// A chip change cannot be rolled back with a store transaction, so the
/// rules run first, without writing: `authorise` applies exactly the checks
/// `perform` would (evidence, channel, the transition table) to the card as
/// stored now and records a refusal as `perform` does. Only then may the
/// caller touch the chip; afterwards it records the outcome: a lifecycle
/// operation through `perform`, anything else through `recordChipOutcome`.
/// If the registry cannot be reached, `authorise` throws and the chip is
/// never touched.
///
/// The permission itself is written ahead, as an `authorised` entry made
/// durable before `authorise` returns: if the registry becomes unreachable
/// after the chip changed, the trail still shows that the chip may have
/// changed, and for whom, instead of nothing.
extension Registry {
    /// The card if `operation` may be done on it now; otherwise the refusal,
    /// already in the audit trail.
    @discardableResult
    public func authorise(_ operation: ChipOperation, _ request: CardRequest) throws -> CardRecord {
        let attempt = Attempt(action: operation.auditAction, actor: request.actor, evidence: request.evidence,
                              cardNumber: request.cardNumber)
        // The checks and the `authorised` entry in one write transaction, so
        // no other change to the card can slip between the decision and its record.
        return try recordingRefusals(attempt) {
            try store.write { writer in
                guard let card = try writer.card(request.cardNumber) else {
                    throw RegistryError.cardNotFound(request.cardNumber)
                }
                // The region's channels first (a verification is not a change, so any channel may verify).
                if operation.isRecordedAsLifecycle {
                    try checkOffered(operation.lifecycleOperation, through: request.actor.channel, state: card.state)
                }
                if operation.needsEvidence {
                    try Self.checkEvidence(for: operation.lifecycleOperation, request, state: card.state)
                }
                let now = clock.now()
                _ = try transition(card, operation.lifecycleOperation, request: request, now: now)
                try AuditTrail.append(AuditEntry(
                    sequence: 0, at: now, actor: request.actor, action: operation.auditAction, outcome: .authorised,
                    cardNumber: card.cardNumber.rawValue, ssn: card.ssn.rawValue, applicationId: card.applicationId,
                    evidence: request.evidence, oldState: card.state.rawValue, newState: card.state.rawValue,
                    reason: request.reason), to: writer)
                return card
            }
        }
    }

    /// Records how an authorised chip operation ended when the registry's
    /// card record does not change: a verification, or any operation the
    /// chip did not complete. The entry holds the status word, never a PIN.
    public func recordChipOutcome(_ operation: ChipOperation, _ request: CardRequest, _ outcome: ChipOutcome) throws {
        do {
            try store.write { writer in
                let card = try writer.card(request.cardNumber)
                let reason: String?
                let detail: String?
                let result: AuditEntry.Outcome
                switch outcome {
                case .done:
                    (result, reason, detail) = (.done, request.reason, nil)
                case let .failed(statusWord, why):
                    (result, reason, detail) = (.failed, why, statusWord.map { "statusWord=\($0)" })
                }
                try AuditTrail.append(AuditEntry(
                    sequence: 0, at: clock.now(), actor: request.actor, action: operation.auditAction, outcome: result,
                    cardNumber: request.cardNumber.rawValue, ssn: card?.ssn.rawValue,
                    applicationId: card?.applicationId, evidence: request.evidence,
                    oldState: card?.state.rawValue, newState: card?.state.rawValue,
                    reason: reason, detail: detail), to: writer)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storeFailure(String(describing: error))
        }
    }
}
