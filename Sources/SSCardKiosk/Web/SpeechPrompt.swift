/// The spoken prompt of each screen: fixed texts only, never a name, card
/// number or digit, since a kiosk's loudspeaker is heard by everyone near it.
/// Ids are the page's /speech/<id>.<lang>.wav names.
enum SpeechPrompt {
    static func id(for state: KioskState) -> String {
        if state.idleWarning != nil { return "timeout" }
        switch state.screen {
        case .welcome: return "welcome"
        case .unavailable: return "unavailable"
        case .loading: return "loading"
        case .working: return "working"
        case .menu: return "menu"
        case .status: return "status"
        case .confirmLoss: return "confirmLoss"
        case .electronicCredential: return "electronicCredential"
        case .lossReported: return "lossReported"
        case .progress: return "progress"
        case .pinEntry(.old, _): return "pinOld"
        case .pinEntry(.new, _): return "pinNew"
        case .pinEntry(.confirm, _): return "pinConfirm"
        case .notice(let notice): return "notice-" + noticeName(notice)
        }
    }

    static func text(_ id: String) -> Bilingual? {
        if id.hasPrefix("notice-") {
            return notices.first { noticeName($0) == id.dropFirst(7) }.map(KioskText.notice)
        }
        return fixed[id]
    }

    static var allIds: [String] { fixed.keys.sorted() + notices.map { "notice-" + noticeName($0) } }

    private static let fixed: [String: Bilingual] = [
        "welcome": Bilingual("欢迎使用。请插入社会保障卡。", "Welcome. Please insert your card."),
        "unavailable": Bilingual("服务暂停，请稍候。", "Service unavailable. Please wait."),
        "loading": KioskText.loading,
        "working": KioskText.working,
        "menu": KioskText.chooseService,
        "status": Bilingual("这是您的卡片状态。", "This is your card's status."),
        "confirmLoss": KioskText.confirmLoss,
        "electronicCredential": KioskText.credentialQuestion,
        "lossReported": Bilingual("临时挂失已受理。请同时向发卡银行挂失社会保障卡的金融功能。",
                                  "Temporary loss reported. Please also report the loss of the bank function to your bank."),
        "progress": KioskText.menuProgress,
        "pinOld": Bilingual("请输入原密码，请遮挡键盘。", "Enter your current PIN. Please shield the keypad."),
        "pinNew": KioskText.enterNewPin,
        "pinConfirm": KioskText.confirmNewPin,
        "timeout": Bilingual("即将退出。如需继续，请点击延长时间。", "The session is about to end. Touch More time to continue."),
    ]

    /// One of each notice, without the numbers some carry.
    private static let notices: [Notice] = [
        .activated, .passwordChanged, .pinTooShort, .pinMismatch, .wrongPin(triesLeft: nil), .pinBlocked, .counterOnly,
        .notAllowed(state: nil), .identityMismatch, .permissionDenied, .cardNotRegistered, .cardUnreadable, .pinFormat,
        .serviceUnavailable, .failed,
    ]

    static func noticeName(_ notice: Notice) -> String {
        switch notice {
        case .activated: return "activated"
        case .passwordChanged: return "passwordChanged"
        case .pinTooShort: return "pinTooShort"
        case .pinMismatch: return "pinMismatch"
        case .wrongPin: return "wrongPin"
        case .pinBlocked: return "pinBlocked"
        case .counterOnly: return "counterOnly"
        case .notAllowed: return "notAllowed"
        case .identityMismatch: return "identityMismatch"
        case .permissionDenied: return "permissionDenied"
        case .cardNotRegistered: return "cardNotRegistered"
        case .cardUnreadable: return "cardUnreadable"
        case .pinFormat: return "pinFormat"
        case .serviceUnavailable: return "serviceUnavailable"
        case .failed: return "failed"
        }
    }
}
