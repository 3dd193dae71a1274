@testable import SSCardKiosk

/// Named kiosk states, built fresh on every call: PIN buffers are wiped in
/// place, so tests never compare against a copy that shares storage.
enum Fixture: String, CaseIterable, CustomStringConvertible {
    case welcome, welcomeWithCard, unavailable, loading, menu, status, confirmLoss, electronicCredential, lossReported
    case progress
    case pinOld, pinNew, pinConfirm
    case workingStatus, workingLoss, workingActivate, workingPassword, workingProgress
    case noticeActivated, noticeUnreadable

    static let reader = "Virtual PCD 00 00"
    static let otherReader = "Virtual PCD 00 01"
    static let holder = CardHolder(reader: reader, cardNumber: "A00000011", name: "张三丰", ssn: "11010519491231002X")
    static let active = CardStatus(cardNumber: "A00000011", state: "active")
    static let lost = CardStatus(cardNumber: "A00000011", state: "temporarilyLost", previousState: "active",
                                 lossExpiresAt: "2026-12-01T01:48:56.997Z")
    static let reminder = Reminder(zh: "请同时向发卡银行挂失社会保障卡的金融功能。",
                                   en: "Please also report the loss of the card's financial (bank) function to the issuing bank.")
    static let session = 5
    static let applications = [ProductionProgress(kind: "replacement", stage: "producing", expectedDate: "2026-12-20",
                                                  collectAt: "朝阳区社保中心")]

    var description: String { rawValue }

    var screen: Screen {
        switch self {
        case .welcome, .welcomeWithCard: return .welcome
        case .unavailable: return .unavailable
        case .loading: return .loading
        case .menu: return .menu
        case .status: return .status
        case .confirmLoss: return .confirmLoss
        case .electronicCredential: return .electronicCredential
        case .progress: return .progress(Self.applications)
        case .lossReported: return .lossReported(Self.reminder)
        case .pinOld: return .pinEntry(.old, hint: nil)
        case .pinNew: return .pinEntry(.new, hint: nil)
        case .pinConfirm: return .pinEntry(.confirm, hint: nil)
        case .workingStatus: return .working(.status)
        case .workingLoss: return .working(.temporaryLoss)
        case .workingActivate: return .working(.activate)
        case .workingPassword: return .working(.changePassword)
        case .workingProgress: return .working(.progress)
        case .noticeActivated: return .notice(.activated)
        case .noticeUnreadable: return .notice(.cardUnreadable)
        }
    }

    /// The operation the screen waits for, if any.
    var waitingFor: Operation? {
        switch self {
        case .loading, .workingStatus: return .status
        case .workingLoss: return .temporaryLoss
        case .workingActivate: return .activate
        case .workingPassword: return .changePassword
        case .workingProgress: return .progress
        default: return nil
        }
    }

    var hasCard: Bool { self != .welcome && self != .unavailable }
    var hasHolder: Bool { hasCard && self != .noticeUnreadable }

    func make(language: Language = .zh) -> KioskState {
        var state = KioskState(language: language)
        state.session = Self.session
        state.screen = screen
        if hasCard { state.cardReader = Self.reader }
        if hasHolder { state.holder = Self.holder }
        switch self {
        case .welcome, .welcomeWithCard, .unavailable, .loading, .noticeUnreadable: break
        case .lossReported: state.status = Self.lost
        default: state.status = Self.active
        }
        switch self {
        case .pinOld:
            state.oldPin = PinDigits("12")
        case .pinNew:
            state.oldPin = PinDigits("123456")
            state.newPin = PinDigits("65")
        case .pinConfirm:
            state.oldPin = PinDigits("123456")
            state.newPin = PinDigits("654321")
            state.confirmPin = PinDigits("654321")
        default:
            break
        }
        return state
    }
}

/// Every key the keypad or keyboard can produce.
let allKeys: [Key] = (0...9).map { Key.digit(UInt8($0)) } + [.enter, .escape, .backspace, .language, .other]
    + [.setLanguage(.zh), .setLanguage(.en), .answer(true), .answer(false), .moreTime, .largeText, .mute, .volumeUp,
       .volumeDown]
