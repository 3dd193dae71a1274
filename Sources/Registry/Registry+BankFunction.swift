import SSCardValues

extension Registry {
    /// Records what the bank acknowledged about the card's financial
    /// function (opened, a loss report received, the loss released, closed),
    /// as an operator learns it from the bank. The registry never talks to
    /// the bank; it keeps the acknowledgement so that staff can see, for a
    /// lost card, whether its bank side is safe too. The event must fit the
    /// function's state (`BankEvent.table`); the `reason` can carry the bank's
    /// reference. Audited like every change, refusals included.
    public func recordBankEvent(_ event: BankEvent, _ request: CardRequest) throws -> CardRecord {
        let action = AuditAction.recordBankEvent
        let attempt = Attempt(action: action, actor: request.actor, evidence: request.evidence,
                              cardNumber: request.cardNumber)
        return try mutate(attempt) { writer, events in
            guard let card = try writer.card(request.cardNumber) else {
                throw RegistryError.cardNotFound(request.cardNumber)
            }
            guard let next = event.apply(to: card.bankFunction) else {
                throw RegistryError.ruleViolated(
                    rule: .bankFunction,
                    detail: "card \(card.cardNumber): the bank function is \(card.bankFunction.rawValue); "
                        + "\(event.rawValue) cannot be recorded")
            }
            let now = clock.now()
            var updated = card
            updated.bankFunction = next
            updated.updatedAt = now
            try writer.update(updated)
            try AuditTrail.append(AuditEntry(
                sequence: 0, at: now, actor: request.actor, action: action, outcome: .done,
                cardNumber: card.cardNumber.rawValue, ssn: card.ssn.rawValue, applicationId: card.applicationId,
                evidence: request.evidence, oldState: card.state.rawValue, newState: card.state.rawValue,
                reason: request.reason, detail: "bankEvent=\(event.rawValue);bankFunction=\(card.bankFunction.rawValue)->\(next.rawValue)"),
                to: writer)
            events.append(.cardChanged(updated, action: action, actor: request.actor))
            return updated
        }
    }
}
