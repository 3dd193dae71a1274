import Varlink

/// The page's screens, one function each (short functions also keep the
/// release build's optimiser quick: docs/internals.md, "The release build").
extension PageModel {
    private var l: Language { state.language }
    private func colon() -> String { l == .zh ? "：" : ": " }
    private func field(_ name: Bilingual, _ value: String) -> String { "\(name(l))\(colon())\(value)" }

    func holderLines() -> [String] {
        guard let holder = state.holder else { return [] }
        return [field(KioskText.name, KioskRenderer.maskName(holder.name))]
    }

    private func stateLines() -> [String] {
        guard let status = state.status else { return [] }
        var lines = [field(KioskText.state, KioskText.state(status.state)(l))]
        if let previous = status.previousState { lines.append(field(KioskText.previousState, KioskText.state(previous)(l))) }
        if let end = status.lossExpiresAt { lines.append(field(KioskText.lossEnds, formatTime(end))) }
        return lines
    }

    private var backAction: JSONValue { action(KioskText.back, "cancel") }

    func welcome() -> Body {
        var body = Body(heading: KioskText.insertCard(l), lines: [KioskText.welcome(l)])
        if state.holder != nil {
            body.lines.append(KioskText.resume(l))
            body.actions = [action(KioskText.ok, "enter", kind: "primary")]
        }
        return body
    }

    func menu() -> Body {
        let items: [(Int64, Bilingual)] = [(1, KioskText.menuStatus), (2, KioskText.menuLoss), (3, KioskText.menuActivate),
                                           (4, KioskText.menuPassword), (5, KioskText.menuProgress)]
        var actions = items.map { action($0.1, "digit", value: .int($0.0), kind: "menu") }
        actions.append(action(KioskText.menuExit, "cancel"))
        return Body(heading: KioskText.chooseService(l), lines: holderLines() + stateLines(), actions: actions)
    }

    func status() -> Body {
        let number = state.status?.cardNumber ?? state.holder?.cardNumber ?? ""
        return Body(heading: KioskText.menuStatus(l),
                    lines: holderLines() + [field(KioskText.cardNumber, KioskRenderer.maskCardNumber(number))] + stateLines(),
                    actions: [backAction])
    }

    func confirmLoss() -> Body {
        Body(heading: KioskText.confirmLoss(l), lines: holderLines() + [KioskText.confirmLossDetail(l)],
             actions: [action(KioskText.confirm, "enter", kind: "primary"), action(KioskText.cancel, "cancel")])
    }

    func electronicCredential() -> Body {
        Body(heading: KioskText.credentialQuestion(l), lines: holderLines(),
             actions: [action(KioskText.credentialContinue, "answer", value: .bool(true), kind: "primary"),
                       action(KioskText.credentialSuspend, "answer", value: .bool(false), kind: "primary"),
                       action(KioskText.cancel, "cancel")])
    }

    func lossReported(_ reminder: Reminder) -> Body {
        Body(heading: KioskText.lossDone(l), lines: stateLines(),
             emphasis: [KioskText.bankReminderTitle(l)] + reminder.both(l).filter { !$0.isEmpty },
             actions: [action(KioskText.ok, "enter", kind: "primary")])
    }

    func progress(_ applications: [ProductionProgress]) -> Body {
        var lines = holderLines()
        if applications.isEmpty { lines.append(KioskText.noApplications(l)) }
        for application in applications {
            lines.append(field(KioskText.applicationKind(application.kind), KioskText.stage(application.stage)(l)))
            if let date = application.expectedDate { lines.append(field(KioskText.expectedDate, date)) }
            if let place = application.collectAt { lines.append(field(KioskText.collectAt, place)) }
        }
        return Body(heading: KioskText.menuProgress(l), lines: lines, actions: [backAction])
    }

    func pinEntry(_ stage: PinStage, _ hint: Notice?) -> Body {
        let prompt: Bilingual
        switch stage {
        case .old: prompt = KioskText.enterOldPin
        case .new: prompt = KioskText.enterNewPin
        case .confirm: prompt = KioskText.confirmNewPin
        }
        return Body(heading: prompt(l), lines: [KioskText.pinPrivacy(l)],
                    emphasis: hint.map { [KioskText.notice($0)(l)] } ?? [],
                    actions: [action(KioskText.correct, "backspace"), action(KioskText.confirm, "enter", kind: "primary"),
                              action(KioskText.cancel, "cancel")])
    }
}
