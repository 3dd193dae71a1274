/// The kiosk's whole state as a value: which screen shows, the card in the
/// reader, its registry status, and the PIN digits being typed.
///
/// `KioskState.handle(_:)` is the only way it changes; it returns the calls
/// the runtime must make (`KioskEffect`). Nothing here touches a terminal,
/// a socket or a clock, so every screen × input pair is unit-testable.
public struct KioskState: Equatable, Sendable {
    public var screen: Screen = .welcome
    public var language: Language
    /// The kiosk's own reader from --reader; nil accepts a card in any reader.
    public let configuredReader: String?
    /// The reader that holds the card this session is about (readable or not).
    public var cardReader: String?
    /// The card's holder as the chip says, when the card could be read.
    public var holder: CardHolder?
    /// The registry's view of the card, once GetStatus answered.
    public var status: CardStatus?
    /// Bumped whenever the session ends, so late replies are dropped.
    public var session = 0
    /// The PIN digits being typed (values 0-9), wiped as soon as they are
    /// sent or abandoned. See `PinDigits`.
    public var oldPin = PinDigits()
    public var newPin = PinDigits()
    public var confirmPin = PinDigits()
    /// Seconds since the last input (`KioskEvent.elapsed` adds, any key resets).
    public var idleSeconds = 0.0
    /// Per-screen idle limits and the warning before them.
    public var limits: IdleLimits
    /// Large-text mode, for holders who read poorly: a state, so that the
    /// page and the terminal keep it until the session ends.
    public var largeText = false
    /// Spoken prompts: on by default (`SpeechSettings`).
    public var speech = SpeechSettings()

    public init(language: Language = .zh, reader: String? = nil, limits: IdleLimits = IdleLimits()) {
        self.language = language
        configuredReader = reader
        self.limits = limits
    }

    /// Cards are never compared by their PIN buffers' capacity, only content.
    public static func == (lhs: KioskState, rhs: KioskState) -> Bool {
        lhs.screen == rhs.screen && lhs.language == rhs.language && lhs.configuredReader == rhs.configuredReader
            && lhs.cardReader == rhs.cardReader && lhs.holder == rhs.holder && lhs.status == rhs.status
            && lhs.session == rhs.session && lhs.oldPin == rhs.oldPin && lhs.newPin == rhs.newPin
            && lhs.confirmPin == rhs.confirmPin && lhs.idleSeconds == rhs.idleSeconds && lhs.limits == rhs.limits
            && lhs.largeText == rhs.largeText && lhs.speech == rhs.speech
    }
}

public enum Language: String, Sendable, CaseIterable {
    case zh, en

    public var toggled: Language { self == .zh ? .en : .zh }
}

public enum Screen: Equatable, Sendable {
    /// "请插入社会保障卡 / Please insert your card".
    case welcome
    /// The daemon cannot be reached; the runtime keeps reconnecting.
    case unavailable
    /// A card was inserted; its registry status is on the way.
    case loading
    case menu
    case status
    case confirmLoss
    /// After the loss is confirmed: may the electronic card's identity
    /// credential go on working during the loss? The answer is ReportLoss's
    /// electronicCredentialContinues (the holder's authorisation).
    case electronicCredential
    /// The holder's applications in production (GetStatus by reader).
    case progress([ProductionProgress])
    /// The temporary loss was recorded; the reply's reminder and loss end show.
    case lossReported(Reminder)
    case pinEntry(PinStage, hint: Notice?)
    /// A call is under way; keys wait.
    case working(Operation)
    /// A result or an error; any confirming key returns.
    case notice(Notice)
}

public enum PinStage: Equatable, Sendable, CaseIterable {
    case old, new, confirm
}

/// The daemon calls the menu offers.
public enum Operation: String, Equatable, Sendable, CaseIterable {
    case status, temporaryLoss, activate, changePassword, progress
}

/// A keypad or keyboard key, already decoded from the terminal's bytes.
public enum Key: Equatable, Sendable {
    case digit(UInt8)
    case enter
    case escape
    case backspace
    /// `*` or `L`: switch between Chinese and English.
    case language
    /// The page's language buttons: one language, not a toggle.
    case setLanguage(Language)
    /// A yes/no answer (the electronic-credential question); 1 and 2 on a keypad.
    case answer(Bool)
    /// "More time" on the idle warning (any key also counts as activity).
    case moreTime
    case largeText
    case mute
    case volumeUp
    case volumeDown
    case other
}

/// The chip's identity fields the kiosk needs.
public struct CardHolder: Equatable, Sendable {
    public var reader: String
    public var cardNumber: String
    public var name: String
    public var ssn: String

    public init(reader: String, cardNumber: String, name: String, ssn: String) {
        self.reader = reader
        self.cardNumber = cardNumber
        self.name = name
        self.ssn = ssn
    }
}

/// The registry's card fields the kiosk shows.
public struct CardStatus: Equatable, Sendable {
    public var cardNumber: String
    public var state: String
    public var previousState: String?
    public var lossExpiresAt: String?

    public init(cardNumber: String, state: String, previousState: String? = nil, lossExpiresAt: String? = nil) {
        self.cardNumber = cardNumber
        self.state = state
        self.previousState = previousState
        self.lossExpiresAt = lossExpiresAt
    }
}

/// The bilingual reminder a loss reply carries.
public typealias Reminder = Bilingual

/// What a successful call answered.
public struct CallReply: Equatable, Sendable {
    public var status: CardStatus
    public var reminder: Reminder?
    /// GetStatus by reader: the holder's applications still in production.
    public var applications: [ProductionProgress]

    public init(status: CardStatus, reminder: Reminder? = nil, applications: [ProductionProgress] = []) {
        self.status = status
        self.reminder = reminder
        self.applications = applications
    }
}

/// Messages the kiosk shows: results, refusals mapped from varlink errors,
/// and hints while typing a PIN. The renderer words them in both languages.
public enum Notice: Error, Equatable, Sendable {
    case activated
    case passwordChanged
    case pinTooShort
    case pinMismatch
    case wrongPin(triesLeft: Int?)
    case pinBlocked
    /// The region offers this service at the counter only (sscardd.conf's
    /// pin-change-channels; Fushun changes PINs at the counter).
    case counterOnly
    case notAllowed(state: String?)
    case identityMismatch
    case permissionDenied
    case cardNotRegistered
    case cardUnreadable
    case pinFormat
    case serviceUnavailable
    case failed
}

public enum KioskEvent: Equatable, Sendable {
    case key(Key)
    /// The Monitor stream is (again) connected.
    case connected
    /// The daemon went away; the runtime retries with backoff.
    case disconnected
    /// A card was seen; holder is nil when the daemon could not read it.
    case cardInserted(reader: String, holder: CardHolder?)
    case cardRemoved(reader: String)
    case readerDetached(reader: String)
    case reply(session: Int, Operation, Result<CallReply, Notice>)
    /// No key for the idle timeout while a session was open.
    case idleTimeout
    /// The runtime's clock: this many seconds passed since the last event.
    /// The state counts them against the screen's limit, warns, then times out.
    case elapsed(Double)
}

/// A daemon call the runtime makes for the state machine, tagged with the
/// session so a reply for an ended session is ignored.
public enum KioskEffect: Equatable, Sendable {
    case fetchStatus(session: Int, reader: String, then: Operation)
    case reportLoss(session: Int, reader: String, cardNumber: String, name: String, electronicCredentialContinues: Bool)
    /// GetStatus by reader, for the holder's applications.
    case fetchProgress(session: Int, reader: String)
    case activate(session: Int, reader: String)
    /// The digit buffers are handed over; the runtime wipes them after sending.
    case changePassword(session: Int, reader: String, oldPin: PinDigits, newPin: PinDigits)
}
