import Testing
@testable import SSCardKiosk

/// The state machine, table-driven: every fixture screen × every key, and
/// every fixture × every daemon event.
@Suite struct KioskMachineTests {
    typealias Expectation = @Sendable (inout KioskState) -> [KioskEffect]

    static let reader = Fixture.reader
    static let session = Fixture.session

    /// Keys that change something. Every (fixture, key) pair not listed must
    /// leave the state exactly as it was and make no call.
    static let keyTable: [(Fixture, Key, Expectation)] = {
        var rows: [(Fixture, Key, Expectation)] = []
        let back: Expectation = { state in
            state.screen = .menu
            return []
        }
        let endToWelcome: Expectation = { state in
            state.screen = .welcome
            state.status = nil
            state.session += 1
            return []
        }
        // Welcome with the card still in the reader: Enter resumes.
        rows.append((.welcomeWithCard, .enter, { state in
            state.screen = .loading
            return [.fetchStatus(session: session, reader: reader, then: .status)]
        }))
        // Menu.
        rows.append((.menu, .digit(1), { state in
            state.screen = .working(.status)
            return [.fetchStatus(session: session, reader: reader, then: .status)]
        }))
        rows.append((.menu, .digit(2), { state in state.screen = .confirmLoss; return [] }))
        rows.append((.menu, .digit(3), { state in
            state.screen = .working(.activate)
            return [.activate(session: session, reader: reader)]
        }))
        rows.append((.menu, .digit(4), { state in state.screen = .pinEntry(.old, hint: nil); return [] }))
        rows.append((.menu, .digit(5), { state in
            state.screen = .working(.progress)
            return [.fetchProgress(session: session, reader: reader)]
        }))
        rows.append((.menu, .digit(0), endToWelcome))
        rows.append((.menu, .escape, endToWelcome))
        // Screens that only go back.
        for fixture in [Fixture.status, .lossReported, .noticeActivated, .progress] {
            for key in [Key.enter, .escape, .digit(0)] { rows.append((fixture, key, back)) }
        }
        // A notice without a readable card ends the session.
        for key in [Key.enter, .escape, .digit(0)] { rows.append((.noticeUnreadable, key, endToWelcome)) }
        // Confirming the loss, then the electronic-credential question.
        for key in [Key.enter, .digit(1)] {
            rows.append((.confirmLoss, key, { state in state.screen = .electronicCredential; return [] }))
        }
        rows.append((.confirmLoss, .escape, back))
        rows.append((.confirmLoss, .digit(0), back))
        for (key, continues) in [(Key.digit(1), true), (.answer(true), true), (.digit(2), false), (.answer(false), false)] {
            rows.append((.electronicCredential, key, { state in
                state.screen = .working(.temporaryLoss)
                return [.reportLoss(session: session, reader: reader, cardNumber: "A00000011", name: "张三丰",
                                    electronicCredentialContinues: continues)]
            }))
        }
        rows.append((.electronicCredential, .escape, back))
        rows.append((.electronicCredential, .digit(0), back))
        // PIN entry: digits append (0 is a digit here), Backspace corrects, Esc wipes and leaves.
        for (fixture, stage) in [(Fixture.pinOld, PinStage.old), (.pinNew, .new), (.pinConfirm, .confirm)] {
            for digit in UInt8(0)...9 {
                rows.append((fixture, .digit(digit), { state in
                    switch stage {
                    case .old: state.oldPin.append(digit)
                    case .new: state.newPin.append(digit)
                    case .confirm: state.confirmPin.append(digit)
                    }
                    return []
                }))
            }
            rows.append((fixture, .backspace, { state in
                switch stage {
                case .old: state.oldPin.removeLast()
                case .new: state.newPin.removeLast()
                case .confirm: state.confirmPin.removeLast()
                }
                return []
            }))
            rows.append((fixture, .escape, { state in
                state.oldPin = PinDigits()
                state.newPin = PinDigits()
                state.confirmPin = PinDigits()
                state.screen = .menu
                return []
            }))
        }
        // Enter with too few digits: a hint, nothing sent.
        rows.append((.pinOld, .enter, { state in state.screen = .pinEntry(.old, hint: .pinTooShort); return [] }))
        rows.append((.pinNew, .enter, { state in state.screen = .pinEntry(.new, hint: .pinTooShort); return [] }))
        // Enter on the confirmation: the PINs leave the state inside the call.
        rows.append((.pinConfirm, .enter, { state in
            state.oldPin = PinDigits()
            state.newPin = PinDigits()
            state.confirmPin = PinDigits()
            state.screen = .working(.changePassword)
            return [.changePassword(session: session, reader: reader, oldPin: PinDigits("123456"),
                                    newPin: PinDigits("654321"))]
        }))
        // The settings keys work everywhere and change nothing else.
        for fixture in Fixture.allCases {
            rows.append((fixture, .language, { state in state.language = .en; return [] }))
            rows.append((fixture, .setLanguage(.en), { state in state.language = .en; return [] }))
            rows.append((fixture, .largeText, { state in state.largeText = true; return [] }))
            rows.append((fixture, .mute, { state in state.speech.muted = true; return [] }))
            rows.append((fixture, .volumeUp, { state in state.speech.volume = 100; return [] }))
            rows.append((fixture, .volumeDown, { state in state.speech.volume = 60; return [] }))
        }
        return rows
    }()

    @Test(arguments: Fixture.allCases)
    func everyKeyOnEveryScreen(_ fixture: Fixture) {
        for key in allKeys {
            var state = fixture.make()
            let effects = state.handle(.key(key))
            var expected = fixture.make()
            var expectedEffects: [KioskEffect] = []
            if let row = Self.keyTable.first(where: { $0.0 == fixture && $0.1 == key }) {
                expectedEffects = row.2(&expected)
            }
            #expect(state == expected, "\(fixture) + \(key)")
            #expect(effects == expectedEffects, "\(fixture) + \(key)")
        }
    }

    @Test func pinEntryStagesAdvanceWithEnoughDigits() {
        var state = Fixture.pinOld.make()
        for digit: UInt8 in [3, 4, 5, 6] { state.handle(.key(.digit(digit))) }
        #expect(state.handle(.key(.enter)).isEmpty)
        #expect(state.screen == .pinEntry(.new, hint: nil))
        for digit: UInt8 in [6, 5, 4, 3, 2, 1] { state.handle(.key(.digit(digit))) }
        state.handle(.key(.enter))
        #expect(state.screen == .pinEntry(.confirm, hint: nil))
        #expect(state.pinCount(.confirm) == 0)
    }

    @Test func mismatchedConfirmationStartsTheNewPinAgain() {
        var state = Fixture.pinConfirm.make()
        state.confirmPin.removeLast()
        state.confirmPin.append(9)
        #expect(state.handle(.key(.enter)).isEmpty)
        #expect(state.screen == .pinEntry(.new, hint: .pinMismatch))
        #expect(state.newPin.isEmpty && state.confirmPin.isEmpty)
        #expect(state.oldPin == PinDigits("123456"))
    }

    @Test func pinEntryStopsAtSixteenDigits() {
        var state = Fixture.pinOld.make()
        for _ in 0..<30 { state.handle(.key(.digit(7))) }
        #expect(state.oldPin.count == PinDigits.capacity)
    }

    // MARK: Events

    static let events: [KioskEvent] = [
        .connected, .disconnected, .idleTimeout,
        .cardInserted(reader: reader, holder: Fixture.holder),
        .cardInserted(reader: Fixture.otherReader,
                      holder: CardHolder(reader: Fixture.otherReader, cardNumber: "B00000022", name: "李四", ssn: "")),
        .cardInserted(reader: reader, holder: nil),
        .cardRemoved(reader: reader), .cardRemoved(reader: Fixture.otherReader),
        .readerDetached(reader: reader), .readerDetached(reader: Fixture.otherReader),
    ] + Operation.allCases.flatMap { operation in
        [KioskEvent.reply(session: session, operation, .success(CallReply(status: Fixture.lost, reminder: Fixture.reminder))),
         .reply(session: session, operation, .failure(.wrongPin(triesLeft: 2))),
         .reply(session: session - 1, operation, .success(CallReply(status: Fixture.lost)))]
    }

    /// What an event should do to a fixture: the specification, written out.
    static func expected(_ fixture: Fixture, _ event: KioskEvent) -> (KioskState, [KioskEffect]) {
        var state = fixture.make()
        func endSession(forgetCard: Bool) {
            state.oldPin = PinDigits()
            state.newPin = PinDigits()
            state.confirmPin = PinDigits()
            state.session += 1
            state.status = nil
            if forgetCard {
                state.cardReader = nil
                state.holder = nil
            }
        }
        switch event {
        case .connected:
            if fixture == .unavailable { state.screen = .welcome }
        case .disconnected:
            endSession(forgetCard: true)
            state.screen = .unavailable
        case .idleTimeout:
            if fixture != .welcome && fixture != .welcomeWithCard && fixture != .unavailable {
                endSession(forgetCard: false)
                state.screen = .welcome
            }
        case let .cardInserted(reader, holder):
            guard fixture != .unavailable, state.cardReader == nil || state.cardReader == reader else { break }
            endSession(forgetCard: true)
            state.cardReader = reader
            if let holder {
                state.holder = holder
                state.screen = .loading
                return (state, [.fetchStatus(session: state.session, reader: reader, then: .status)])
            }
            state.screen = .notice(.cardUnreadable)
        case let .cardRemoved(reader), let .readerDetached(reader):
            if state.cardReader == reader {
                endSession(forgetCard: true)
                state.screen = .welcome
            }
        case let .reply(session, operation, result):
            guard session == Self.session, fixture.waitingFor == operation else { break }
            switch result {
            case .success(let reply):
                state.status = reply.status
                switch operation {
                case .status: state.screen = fixture == .loading ? .menu : .status
                case .temporaryLoss: state.screen = .lossReported(reply.reminder!)
                case .activate: state.screen = .notice(.activated)
                case .changePassword: state.screen = .notice(.passwordChanged)
                case .progress: state.screen = .progress(reply.applications)
                }
            case .failure(let notice):
                state.screen = .notice(notice)
            }
        case .key, .elapsed:
            Issue.record("keys and time are tested elsewhere")
        }
        return (state, [])
    }

    @Test(arguments: Fixture.allCases)
    func everyEventOnEveryScreen(_ fixture: Fixture) {
        for event in Self.events {
            var state = fixture.make()
            let effects = state.handle(event)
            let (expected, expectedEffects) = Self.expected(fixture, event)
            #expect(state == expected, "\(fixture) + \(event)")
            #expect(effects == expectedEffects, "\(fixture) + \(event)")
        }
    }

    @Test func aConfiguredReaderIgnoresOthers() {
        var state = KioskState(reader: Fixture.reader)
        state.handle(.cardInserted(reader: Fixture.otherReader, holder: Fixture.holder))
        #expect(state.screen == .welcome && state.holder == nil)
        let effects = state.handle(.cardInserted(reader: Fixture.reader, holder: Fixture.holder))
        #expect(state.screen == .loading)
        #expect(effects == [.fetchStatus(session: state.session, reader: Fixture.reader, then: .status)])
    }

    @Test func removingTheCardMidPinDiscardsTheDigits() {
        var state = Fixture.pinNew.make()
        state.handle(.cardRemoved(reader: Fixture.reader))
        #expect(state.screen == .welcome)
        #expect(state.oldPin.isEmpty && state.newPin.isEmpty && state.confirmPin.isEmpty)
        #expect(state.holder == nil)
    }

    @Test func aReplyAfterTheCardLeftIsIgnored() {
        var state = Fixture.menu.make()
        let effects = state.handle(.key(.digit(3)))
        guard case let .activate(session, _)? = effects.first else {
            Issue.record("expected an Activate call")
            return
        }
        state.handle(.cardRemoved(reader: Fixture.reader))
        state.handle(.cardInserted(reader: Fixture.reader, holder: Fixture.holder))
        state.handle(.reply(session: session, .activate, .success(CallReply(status: Fixture.active))))
        #expect(state.screen == .loading)
    }

    @Test func aWholeSession() {
        var state = KioskState()
        var effects = state.handle(.cardInserted(reader: Fixture.reader, holder: Fixture.holder))
        #expect(effects.count == 1)
        state.handle(.reply(session: state.session, .status, .success(CallReply(status: Fixture.active))))
        #expect(state.screen == .menu)
        state.handle(.key(.digit(2)))
        #expect(state.handle(.key(.digit(1))).isEmpty)
        #expect(state.screen == .electronicCredential)
        effects = state.handle(.key(.answer(false)))
        #expect(effects == [.reportLoss(session: state.session, reader: Fixture.reader, cardNumber: "A00000011",
                                        name: "张三丰", electronicCredentialContinues: false)])
        state.handle(.reply(session: state.session, .temporaryLoss,
                            .success(CallReply(status: Fixture.lost, reminder: Fixture.reminder))))
        #expect(state.screen == .lossReported(Fixture.reminder))
        #expect(state.status == Fixture.lost)
        state.handle(.key(.enter))
        state.handle(.key(.digit(0)))
        #expect(state.screen == .welcome)
        #expect(state.holder == Fixture.holder)  // the card is still in the reader
    }
}
