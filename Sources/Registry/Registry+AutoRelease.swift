extension Registry {
    /// Releases every temporary loss whose deadline is at or before the wall
    /// clock's `now`, in batches, each batch one durable transaction. Returns
    /// how many were released.
    ///
    /// Comparing with the wall clock on every call is what makes clock steps
    /// safe: after a backward step nothing is due early, and after a forward
    /// step (or downtime) everything overdue is due at once.
    @discardableResult
    public func releaseExpiredLosses(batchSize: Int = 2000) throws -> Int {
        var released = 0
        let actor = Actor.system(servicePoint: servicePoint)
        while true {
            let now = clock.now()
            let count = try mutate(Attempt(action: AuditAction(.autoRelease), actor: actor, evidence: .none)) {
                writer, events in
                let due = try writer.dueLosses(at: now, limit: batchSize)
                for number in due {
                    // A card released by a person since the query is no longer due: skip it.
                    guard let card = try writer.card(number), card.state == .temporarilyLost,
                          let deadline = card.lossDeadline, deadline <= now else { continue }
                    let request = CardRequest(cardNumber: number, actor: actor,
                                              reason: "temporary loss expired at \(deadline.rfc3339)")
                    let updated = try transition(card, .autoRelease, request: request, now: now)
                    try writer.update(updated)
                    try AuditTrail.append(auditEntry(for: .autoRelease, request: request, from: card, to: updated,
                                                     at: now), to: writer)
                    events.append(.cardChanged(updated, action: AuditAction(.autoRelease), actor: actor))
                }
                return due.count
            }
            released += count
            if count < batchSize { return released }
        }
    }

    /// When the next temporary loss falls due, from the deadline index.
    public func nextLossDeadline() throws -> Timestamp? {
        try store.read(snapshot: false) { try $0.earliestLossDeadline() }
    }
}
