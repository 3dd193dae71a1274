/// The kiosk's transitions: one event in, the state changed in place, the
/// daemon calls to make out.
///
/// Mutating in place (rather than returning a new value) is deliberate: the
/// runtime holds the only copy, so wiping PIN digits overwrites the very
/// buffer they were typed into.
extension KioskState {
    @discardableResult
    public mutating func handle(_ event: KioskEvent) -> [KioskEffect] {
        switch event {
        case .key(let key):
            // Any touch or key shows someone is there: the idle count restarts.
            idleSeconds = 0
            if settings(key) { return [] }
            return press(key)
        case .elapsed(let seconds):
            guard let limit = limits.limit(for: screen) else {
                idleSeconds = 0
                return []
            }
            idleSeconds += max(0, seconds)
            if idleSeconds >= limit { return handle(.idleTimeout) }
            return []
        case .connected:
            if screen == .unavailable { screen = .welcome }
            return []
        case .disconnected:
            // The Monitor stream replays the readers on reconnect.
            endSession(forgetCard: true)
            screen = .unavailable
            return []
        case let .cardInserted(reader, holder):
            return cardInserted(reader: reader, holder: holder)
        case let .cardRemoved(reader), let .readerDetached(reader):
            guard reader == cardReader else { return [] }
            endSession(forgetCard: true)
            largeText = false  // the next holder starts with the usual text
            screen = .welcome
            return []
        case .idleTimeout:
            idleSeconds = 0
            switch screen {
            case .welcome, .unavailable: return []
            default:
                endSession(forgetCard: false)
                largeText = false
                screen = .welcome
                return []
            }
        case let .reply(replySession, operation, result):
            guard replySession == session else { return [] }
            return reply(operation, result)
        }
    }

    /// Whether the idle timeout applies: a session is open on some screen.
    public var idleTimeoutApplies: Bool { limits.limit(for: screen) != nil }

    /// Whole seconds left before the idle timeout, while the warning shows.
    public var idleWarning: Int? {
        guard let limit = limits.limit(for: screen) else { return nil }
        let left = limit - idleSeconds
        guard left <= limits.warning(for: limit), left > 0 else { return nil }
        return Int(left.rounded(.up))
    }

    /// Keys that change how the kiosk shows and speaks, on every screen.
    private mutating func settings(_ key: Key) -> Bool {
        switch key {
        case .language: language = language.toggled
        case .setLanguage(let chosen): language = chosen
        case .largeText: largeText.toggle()
        case .mute: speech.muted.toggle()
        case .volumeUp: speech.volume = min(100, speech.volume + SpeechSettings.step)
        case .volumeDown: speech.volume = max(0, speech.volume - SpeechSettings.step)
        case .moreTime: break  // the idle count already restarted
        default: return false
        }
        return true
    }

    // MARK: Events

    private mutating func cardInserted(reader: String, holder: CardHolder?) -> [KioskEffect] {
        if let configuredReader, reader != configuredReader { return [] }
        if let cardReader, cardReader != reader { return [] }  // one card at a time
        if screen == .unavailable { return [] }
        endSession(forgetCard: true)
        cardReader = reader
        guard let holder else {
            screen = .notice(.cardUnreadable)
            return []
        }
        self.holder = holder
        return startSession()
    }

    private mutating func startSession() -> [KioskEffect] {
        guard let reader = cardReader else { return [] }
        screen = .loading
        return [.fetchStatus(session: session, reader: reader, then: .status)]
    }

    private mutating func reply(_ operation: Operation, _ result: Result<CallReply, Notice>) -> [KioskEffect] {
        let waiting: Bool
        switch screen {
        case .loading: waiting = operation == .status
        case .working(let current): waiting = current == operation
        default: waiting = false
        }
        guard waiting else { return [] }
        switch result {
        case .success(let reply):
            status = reply.status
            switch operation {
            case .status: screen = screen == .loading ? .menu : .status
            case .temporaryLoss: screen = .lossReported(reply.reminder ?? Reminder(zh: "", en: ""))
            case .activate: screen = .notice(.activated)
            case .changePassword: screen = .notice(.passwordChanged)
            case .progress: screen = .progress(reply.applications)
            }
        case .failure(let notice):
            screen = .notice(notice)
        }
        return []
    }

    // MARK: Keys

    private mutating func press(_ key: Key) -> [KioskEffect] {
        switch screen {
        case .welcome:
            // A card left in the reader after a timeout: Enter resumes.
            if key == .enter, holder != nil { return startSession() }
            return []
        case .unavailable, .loading, .working:
            return []
        case .menu:
            return menu(key)
        case .status, .lossReported, .progress:
            if isBack(key) || key == .enter { screen = .menu }
            return []
        case .confirmLoss:
            if key == .enter || key == .digit(1) { screen = .electronicCredential }
            if isBack(key) { screen = .menu }
            return []
        case .electronicCredential:
            let continues: Bool
            switch key {
            case .answer(let yes): continues = yes
            case .digit(1): continues = true
            case .digit(2): continues = false
            case .escape, .digit(0):
                screen = .menu
                return []
            default: return []
            }
            guard let holder, let reader = cardReader else { return [] }
            screen = .working(.temporaryLoss)
            return [.reportLoss(session: session, reader: reader, cardNumber: holder.cardNumber, name: holder.name,
                                electronicCredentialContinues: continues)]
        case .notice:
            if isBack(key) || key == .enter {
                if holder != nil && status != nil {
                    screen = .menu
                } else {
                    endSession(forgetCard: false)
                    screen = .welcome
                }
            }
            return []
        case let .pinEntry(stage, _):
            return pinKey(key, stage)
        }
    }

    private func isBack(_ key: Key) -> Bool { key == .escape || key == .digit(0) }

    private mutating func menu(_ key: Key) -> [KioskEffect] {
        guard let reader = cardReader else { return [] }
        switch key {
        case .digit(1):
            screen = .working(.status)
            return [.fetchStatus(session: session, reader: reader, then: .status)]
        case .digit(2):
            screen = .confirmLoss
        case .digit(3):
            screen = .working(.activate)
            return [.activate(session: session, reader: reader)]
        case .digit(4):
            wipePins()
            screen = .pinEntry(.old, hint: nil)
        case .digit(5):
            screen = .working(.progress)
            return [.fetchProgress(session: session, reader: reader)]
        case .digit(0), .escape:
            endSession(forgetCard: false)
            screen = .welcome
        default:
            break
        }
        return []
    }

    private mutating func pinKey(_ key: Key, _ stage: PinStage) -> [KioskEffect] {
        switch key {
        case .digit(let digit):
            buffer(stage) { $0.append(digit) }
            screen = .pinEntry(stage, hint: nil)
        case .backspace:
            buffer(stage) { $0.removeLast() }
            screen = .pinEntry(stage, hint: nil)
        case .escape:
            wipePins()
            screen = .menu
        case .enter:
            guard pinCount(stage) >= PinDigits.minimumLength else {
                screen = .pinEntry(stage, hint: .pinTooShort)
                return []
            }
            switch stage {
            case .old:
                screen = .pinEntry(.new, hint: nil)
            case .new:
                screen = .pinEntry(.confirm, hint: nil)
            case .confirm:
                guard confirmPin == newPin else {
                    newPin.wipe()
                    confirmPin.wipe()
                    screen = .pinEntry(.new, hint: .pinMismatch)
                    return []
                }
                guard let reader = cardReader else { return [] }
                confirmPin.wipe()
                screen = .working(.changePassword)
                return [.changePassword(session: session, reader: reader, oldPin: oldPin.take(), newPin: newPin.take())]
            }
        default:
            break
        }
        return []
    }

    private mutating func buffer(_ stage: PinStage, _ body: (inout PinDigits) -> Void) {
        switch stage {
        case .old: body(&oldPin)
        case .new: body(&newPin)
        case .confirm: body(&confirmPin)
        }
    }

    /// How many digits the stage's buffer holds (the stars shown).
    public func pinCount(_ stage: PinStage) -> Int {
        switch stage {
        case .old: return oldPin.count
        case .new: return newPin.count
        case .confirm: return confirmPin.count
        }
    }

    private mutating func wipePins() {
        oldPin.wipe()
        newPin.wipe()
        confirmPin.wipe()
    }

    /// Ends the session: PIN digits wiped, late replies made stale, and the
    /// card forgotten when it left the reader.
    private mutating func endSession(forgetCard: Bool) {
        wipePins()
        session += 1
        status = nil
        idleSeconds = 0
        if forgetCard {
            cardReader = nil
            holder = nil
        }
    }
}
