import SSCardValues

extension Registry {
    /// Accepts an application (申领) for a holder's first card.
    ///
    /// A minor needs a guardian and the household register. A holder with a
    /// card that holds their place — formally lost included, until its
    /// replacement is bound — or an application on its way is refused: one
    /// usable card per holder, and a replacement is the only way to another.
    /// The application records its channel, the day its card is expected
    /// (instant: today; mobile: the policy's working days on) and its
    /// delivery (by default collected at this service point).
    public func apply(for holder: Holder, evidence: Evidence, actor: Actor,
                      channel: ApplicationChannel = .counter, delivery: Delivery? = nil) throws -> Application {
        let attempt = Attempt(action: .apply, actor: actor, evidence: evidence, ssn: holder.ssn)
        return try mutate(attempt) { writer, events in
            let now = clock.now()
            try checkApplicant(holder, evidence: evidence, now: now)
            if let existing = try writer.holder(holder.ssn) {
                if let holding = try writer.cards(of: holder.ssn).first(where: { $0.state.holdsTheHoldersPlace }) {
                    throw RegistryError.ruleViolated(
                        rule: .holderAlreadyHasCard,
                        detail: "card \(holding.cardNumber) is \(holding.state.rawValue) and holds the holder's place: "
                            + "apply for a replacement")
                }
                if try writer.applications(of: holder.ssn).contains(where: \.isOpen) {
                    throw RegistryError.ruleViolated(rule: .applicationInProgress,
                                                     detail: "an application for this holder is already in progress")
                }
                var merged = holder
                merged.name = existing.name  // key information changes only through a replacement
                try writer.update(merged, at: now)
            } else {
                try writer.insert(holder, at: now)
            }
            let delivery = delivery ?? .collect(place: servicePoint)
            if channel == .instant, case .mail = delivery {
                throw RegistryError.ruleViolated(rule: .instantIssue,
                                                 detail: "an instant-issue card is handed over at the counter, not mailed")
            }
            return try insertApplication(Application(id: 0, ssn: holder.ssn, kind: .first, stage: .accepted,
                                                     feeFen: 0, createdAt: now, updatedAt: now, channel: channel,
                                                     expectedDate: try expectedDate(channel, now: now),
                                                     delivery: delivery),
                                         evidence: evidence, actor: actor, writer: writer, events: &events)
        }
    }

    /// Applies for a replacement of `request.cardNumber` (补领/换领/换发). The
    /// old card keeps its state until the new one is bound. The reason must
    /// fit what the registry knows (`ReplacementRules`: a lost card as lost,
    /// a child's age, the card's generation) and sets the fee; `feeWaived`
    /// records a charged fee as waived, which needs a reason text. A change
    /// of key information (the name) needs the civil registry's proof, and
    /// takes effect when the new card is bound.
    public func replace(_ request: CardRequest, reason: ReplacementReason,
                        newName: HolderName? = nil, feeWaived: Bool = false) throws -> Application {
        let attempt = Attempt(action: .replace, actor: request.actor, evidence: request.evidence,
                              cardNumber: request.cardNumber)
        return try mutate(attempt) { writer, events in
            try Self.checkEvidence(for: .reportFormalLoss, request)
            guard let card = try writer.card(request.cardNumber) else {
                throw RegistryError.cardNotFound(request.cardNumber)
            }
            guard card.state != .cancelled else {
                throw RegistryError.refused(card.cardNumber, .notAllowed(operation: .supersede, state: .cancelled))
            }
            let fee = try replacementFee(reason, card: card, writer: writer)
            if try writer.applications(of: card.ssn).contains(where: \.isOpen) {
                throw RegistryError.ruleViolated(rule: .applicationInProgress,
                                                 detail: "a replacement for this holder is already in progress")
            }
            let now = clock.now()
            if newName != nil {
                guard reason == .keyInformationChanged, request.evidence.shows(.civilRegistryProof) else {
                    throw RegistryError.ruleViolated(
                        rule: .keyInformation, detail: "a name change needs keyInformationChanged and civilRegistryProof")
                }
            }
            if feeWaived {
                guard fee > 0 else {
                    throw RegistryError.ruleViolated(rule: .feeWaiver, detail: "\(reason.rawValue) is free: there is no fee to waive")
                }
                guard !(request.reason ?? "").isEmpty else {
                    throw RegistryError.ruleViolated(rule: .feeWaiver, detail: "waiving the fee needs a reason")
                }
            }
            let settlement: FeeSettlement = fee == 0 ? .free : feeWaived ? .waived : .paid
            return try insertApplication(
                Application(id: 0, ssn: card.ssn, kind: .replacement(of: card.cardNumber, reason: reason),
                            stage: .accepted, feeFen: fee, feeSettlement: settlement, newName: newName,
                            createdAt: now, updatedAt: now),
                evidence: request.evidence, actor: request.actor, writer: writer, events: &events,
                reason: request.reason ?? reason.rawValue)
        }
    }

    /// Moves an application to its next production stage, or rejects it.
    public func advance(applicationId: Int64, to stage: ApplicationStage, actor: Actor,
                        reason: String? = nil) throws -> Application {
        let attempt = Attempt(action: .advance, actor: actor, evidence: .none, applicationId: applicationId)
        return try mutate(attempt) { writer, events in
            guard var application = try writer.application(applicationId) else {
                throw RegistryError.applicationNotFound(applicationId)
            }
            guard application.stage.canAdvance(to: stage) else {
                throw RegistryError.ruleViolated(
                    rule: .applicationStage,
                    detail: "an application cannot go from \(application.stage.rawValue) to \(stage.rawValue)")
            }
            if stage == .rejected, (reason ?? "").isEmpty {
                throw RegistryError.ruleViolated(rule: .applicationStage, detail: "a rejection needs a reason")
            }
            let now = clock.now()
            let old = application.stage
            application.stage = stage
            application.rejectionReason = stage == .rejected ? reason : nil
            application.updatedAt = now
            try writer.update(application)
            try AuditTrail.append(AuditEntry(
                sequence: 0, at: now, actor: actor, action: .advance, outcome: .done, ssn: application.ssn.rawValue,
                applicationId: applicationId, oldState: old.rawValue, newState: stage.rawValue, reason: reason),
                to: writer)
            events.append(.applicationChanged(application, action: .advance, actor: actor))
            return application
        }
    }

    /// The day a card applied for through `channel` on `now` is promised by:
    /// instant at once, mobile after the policy's working days, a bank-made
    /// counter card without a promise the registry can make.
    func expectedDate(_ channel: ApplicationChannel, now: Timestamp) throws -> CalendarDate? {
        let today = try CalendarDate(String(now.rfc3339.prefix(10)))
        switch channel {
        case .instant: return today
        case .mobile: return policy.workingCalendar.adding(workingDays: policy.mobileProductionDays, to: today)
        case .counter: return nil
        }
    }

    /// The fee for `reason`, after the rules the registry can check.
    func replacementFee(_ reason: ReplacementReason, card: CardRecord, writer: any RegistryWriting) throws -> Int {
        guard let holder = try writer.holder(card.ssn) else { throw RegistryError.holderNotFound(card.ssn) }
        let today = try calendarDate(clock.now())
        let made = try card.applicationId.flatMap { try writer.application($0) }.map { try calendarDate($0.createdAt) }
        let facts = ReplacementRules.Facts(cardState: card.state, cardGeneration: card.generation,
                                           holderAge: holder.age(on: today),
                                           holderAgeWhenCardMade: made.map { holder.age(on: $0) })
        switch ReplacementRules.check(reason, facts) {
        // The rules say whether the reason is charged; the region says how much.
        case let .success(fee): return fee == 0 ? 0 : policy.replacementFeeFen
        case let .failure(refusal):
            throw RegistryError.ruleViolated(rule: .replacementReason, detail: "card \(card.cardNumber): \(refusal)")
        }
    }

    func calendarDate(_ time: Timestamp) throws -> CalendarDate {
        try CalendarDate(String(time.rfc3339.prefix(10)))
    }

    func checkApplicant(_ holder: Holder, evidence: Evidence, now: Timestamp) throws {
        guard evidence.showsIdentity else {
            throw RegistryError.ruleViolated(rule: .evidenceRequired, detail: "an application needs an identity document")
        }
        let today = try CalendarDate(String(now.rfc3339.prefix(10)))
        if holder.age(on: today) < policy.guardianRequiredBelowAge {
            guard let guardian = holder.guardianSsn, guardian != holder.ssn else {
                throw RegistryError.ruleViolated(rule: .guardianRequired,
                                                 detail: "a minor's application needs the guardian's number")
            }
            guard evidence.shows(.householdRegister) else {
                throw RegistryError.ruleViolated(rule: .evidenceRequired,
                                                 detail: "a minor's application needs the household register")
            }
        }
    }

    func insertApplication(_ draft: Application, evidence: Evidence, actor: Actor, writer: any RegistryWriting,
                           events: inout [RegistryEvent], reason: String? = nil) throws -> Application {
        var application = draft
        application.id = try writer.insertApplication(draft)
        let action: AuditAction = draft.replaces == nil ? .apply : .replace
        try AuditTrail.append(AuditEntry(
            sequence: 0, at: draft.createdAt, actor: actor, action: action, outcome: .done,
            cardNumber: draft.replaces?.rawValue, ssn: draft.ssn.rawValue, applicationId: application.id,
            evidence: evidence, newState: ApplicationStage.accepted.rawValue, reason: reason,
            detail: "feeFen=\(draft.feeFen);fee=\(draft.feeSettlement.rawValue)"
                + (draft.newName == nil ? "" : ";nameChangeOnBinding")), to: writer)
        events.append(.applicationChanged(application, action: action, actor: actor))
        return application
    }
}
