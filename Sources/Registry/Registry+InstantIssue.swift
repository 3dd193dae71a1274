import SSCardValues

extension Registry {
    /// Records that the counter's instant-issue machine produced the card of
    /// an instant-issue application (即时制卡, 即收即办): accepted → produced
    /// in one step, with one audit entry naming both stages.
    ///
    /// sscard drives no card printer: the operator records what the machine
    /// did. The rest of the flow is the ordinary one — BindCard reading the
    /// chip in the counter's reader, then Activate at hand-over (004 item 82:
    /// an instant-issue card is activated on collection) — so every step is
    /// audited on its own and each can be refused on its own. Refused: an
    /// application that is not an instant one, or not accepted (made twice),
    /// or an actor not at a counter.
    public func recordInstantProduction(applicationId: Int64, actor: Actor,
                                        reason: String? = nil) throws -> Application {
        let action = AuditAction.produceInstantly
        let attempt = Attempt(action: action, actor: actor, evidence: .none, applicationId: applicationId)
        return try mutate(attempt) { writer, events in
            guard var application = try writer.application(applicationId) else {
                throw RegistryError.applicationNotFound(applicationId)
            }
            guard actor.channel == .counter else {
                throw RegistryError.ruleViolated(
                    rule: .instantIssue, detail: "instant production is recorded at the counter, not through \(actor.channel.rawValue)")
            }
            guard application.channel == .instant else {
                throw RegistryError.ruleViolated(
                    rule: .instantIssue,
                    detail: "application \(applicationId) is a \(application.channel?.rawValue ?? "pre-channel") "
                        + "application, not an instant-issue one; it is \(application.stage.rawValue)")
            }
            guard application.stage == .accepted else {
                throw RegistryError.ruleViolated(
                    rule: .applicationStage,
                    detail: "instant production needs an accepted application; application \(applicationId) is "
                        + application.stage.rawValue)
            }
            let now = clock.now()
            application.stage = .produced
            application.updatedAt = now
            try writer.update(application)
            try AuditTrail.append(AuditEntry(
                sequence: 0, at: now, actor: actor, action: action, outcome: .done, ssn: application.ssn.rawValue,
                applicationId: applicationId, oldState: ApplicationStage.accepted.rawValue,
                newState: ApplicationStage.produced.rawValue, reason: reason,
                detail: "machine=\(servicePoint)"), to: writer)
            events.append(.applicationChanged(application, action: action, actor: actor))
            return application
        }
    }
}
