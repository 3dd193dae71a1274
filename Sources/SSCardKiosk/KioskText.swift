import SSCardInterfaces
import SSCardValues
import Varlink

/// A text in both languages: the vocabulary's `BilingualName`, so a state's
/// name and the kiosk's own texts are one kind of value.
public typealias Bilingual = BilingualName

extension BilingualName {
    public var zh: String { chinese }
    public var en: String { english }

    public init(zh: String, en: String) { self.init(zh, en) }

    public func callAsFunction(_ language: Language) -> String { language == .zh ? zh : en }

    /// The chosen language first, then the other.
    public func both(_ language: Language) -> [String] { language == .zh ? [zh, en] : [en, zh] }
}

/// Every text the kiosk shows.
public enum KioskText {
    public static let title = Bilingual("社会保障卡自助服务", "Social Security Card Self-Service")
    public static let welcome = Bilingual("欢迎使用", "Welcome")
    public static let insertCard = Bilingual("请插入社会保障卡", "Please insert your card")
    public static let resume = Bilingual("卡片仍在读卡器中，按确认键继续", "Your card is still inserted: press Enter to continue")
    public static let unavailable = Bilingual("服务暂停", "Service unavailable")
    public static let reconnecting = Bilingual("正在重新连接，请稍候…", "Reconnecting, please wait…")
    public static let loading = Bilingual("正在读取卡片信息，请稍候…", "Reading your card, please wait…")
    public static let working = Bilingual("正在办理，请稍候…", "Processing, please wait…")
    public static let name = Bilingual("姓名", "Name")
    public static let cardNumber = Bilingual("卡号", "Card number")
    public static let state = Bilingual("卡状态", "Card state")
    public static let previousState = Bilingual("挂失前状态", "State before the loss")
    public static let lossEnds = Bilingual("临时挂失到期", "Temporary loss ends")
    public static let menuStatus = Bilingual("状态查询", "Card status")
    public static let menuLoss = Bilingual("临时挂失", "Temporary loss report")
    public static let menuActivate = Bilingual("启用", "Activate card")
    public static let menuPassword = Bilingual("修改密码", "Change PIN")
    public static let menuProgress = Bilingual("制卡进度", "Card production progress")
    public static let menuExit = Bilingual("退出", "Exit")
    public static let credentialQuestion = Bilingual("挂失期间，电子社保卡的身份凭证功能是否继续使用？",
                                                     "During the loss, may your electronic card still prove who you are?")
    public static let credentialContinue = Bilingual("继续使用", "Yes, keep it working")
    public static let credentialSuspend = Bilingual("一并暂停", "No, suspend it too")
    public static let noApplications = Bilingual("目前没有正在制作的卡", "No card is being made for you")
    public static let expectedDate = Bilingual("预计完成", "Expected by")
    public static let collectAt = Bilingual("领卡地点", "Collect at")
    public static let bankReminderTitle = Bilingual("请注意：银行金融功能", "Important: the bank function")
    public static let moreTime = Bilingual("延长时间", "More time")
    public static let largeText = Bilingual("大字", "Large text")
    public static let mute = Bilingual("静音", "Mute")
    public static let unmute = Bilingual("播放语音", "Sound on")
    public static let volume = Bilingual("音量", "Volume")
    public static let replay = Bilingual("重播语音", "Repeat prompt")
    public static let correct = Bilingual("更正", "Correct")
    public static let back = Bilingual("返回", "Back")
    public static let ok = Bilingual("确定", "OK")

    /// "即将退出：还剩 8 秒" — shown with a "more time" button before the idle timeout.
    public static func idleWarning(_ seconds: Int) -> Bilingual {
        Bilingual("即将退出：还剩 \(seconds) 秒", "Ending in \(seconds) s: touch More time to continue")
    }

    /// An application's production stage, from the shared vocabulary.
    public static func stage(_ code: String) -> Bilingual { ServiceVocabulary.applicationStage.name(code) }
    public static func applicationKind(_ code: String) -> Bilingual { ServiceVocabulary.applicationKind.name(code) }
    public static let chooseService = Bilingual("请选择业务", "Please choose a service")
    public static let confirmLoss = Bilingual("确认对此卡办理临时挂失？", "Report this card as temporarily lost?")
    public static let confirmLossDetail = Bilingual("挂失期间卡片暂停使用，到期后自动解除。",
                                                    "The card is suspended until the temporary loss ends.")
    public static let confirm = Bilingual("确认", "Confirm")
    public static let cancel = Bilingual("取消", "Cancel")
    public static let lossDone = Bilingual("临时挂失已受理", "Temporary loss reported")
    public static let enterOldPin = Bilingual("请输入原密码", "Enter your current PIN")
    public static let enterNewPin = Bilingual("请输入新密码", "Enter the new PIN")
    public static let confirmNewPin = Bilingual("请再次输入新密码", "Enter the new PIN again")
    public static let pinPrivacy = Bilingual("请遮挡键盘输入", "Please shield the keypad while typing")
    public static let keysBack = Bilingual("0/Esc 返回", "0/Esc Back")
    public static let keysEnter = Bilingual("Enter 确认", "Enter OK")
    public static let keysPin = Bilingual("Enter 确认  Backspace 更正  Esc 返回", "Enter OK  Backspace Correct  Esc Back")
    public static let keysLanguage = Bilingual("* English", "* 中文")
    public static let pressEnter = Bilingual("按确认键返回", "Press Enter to go back")

    /// A card state's names, from the one vocabulary the registry and
    /// sscardctl use too; a state this kiosk does not know shows as its code.
    public static func state(_ code: String) -> Bilingual { ServiceVocabulary.cardState.name(code) }

    public static func notice(_ notice: Notice) -> Bilingual {
        switch notice {
        case .activated: return Bilingual("卡片已启用", "Your card is now active")
        case .passwordChanged: return Bilingual("密码已修改", "Your PIN has been changed")
        case .pinTooShort: return Bilingual("密码至少 4 位数字", "The PIN needs at least 4 digits")
        case .pinMismatch: return Bilingual("两次输入的新密码不一致，请重新输入", "The new PINs differ: please enter them again")
        case .wrongPin(let triesLeft?):
            return Bilingual("密码错误，还可尝试 \(triesLeft) 次", "Wrong PIN: \(triesLeft) tries left")
        case .wrongPin(nil): return Bilingual("密码错误", "Wrong PIN")
        case .pinBlocked:
            return Bilingual("密码已锁定，请到服务窗口重置", "The PIN is blocked: please reset it at a service counter")
        case .counterOnly:
            return Bilingual("本地区此业务需到服务窗口办理", "In this region this service is offered at a service counter")
        case .notAllowed(let state?):
            return Bilingual("卡片当前状态（\(KioskText.state(state).zh)）不能办理此业务",
                             "Not possible while the card is \(KioskText.state(state).en.lowercased())")
        case .notAllowed(nil): return Bilingual("此卡不能办理此业务", "This service is not available for this card")
        case .identityMismatch: return Bilingual("卡片信息核对不符，请到服务窗口办理", "The card details do not match: please go to a service counter")
        case .permissionDenied: return Bilingual("本机不能办理此业务，请到服务窗口办理", "This kiosk cannot do that: please go to a service counter")
        case .cardNotRegistered: return Bilingual("此卡未登记，请到服务窗口咨询", "This card is not registered: please ask at a service counter")
        case .cardUnreadable: return Bilingual("无法读取此卡，请取出后重新插入", "The card cannot be read: please take it out and insert it again")
        case .pinFormat: return Bilingual("密码格式不正确", "The PIN format is not valid")
        case .serviceUnavailable: return Bilingual("服务暂停，请稍后再试", "Service unavailable: please try again later")
        case .failed: return Bilingual("办理失败，请到服务窗口咨询", "The service failed: please ask at a service counter")
        }
    }

    /// The notice for a daemon error reply. Unknown errors become `.failed`,
    /// never a crash and never the raw error text.
    public static func notice(for error: VarlinkError) -> Notice {
        let short = error.name.split(separator: ".").last.map(String.init) ?? error.name
        let parameters = error.parameters
        switch short {
        case "TransitionRefused":
            let state = parameters[.state]?.string
            return .notAllowed(state: state?.isEmpty == false ? state : nil)
        case "RuleViolated":
            switch parameters[.rule]?.string {
            case "pinRejected": return .wrongPin(triesLeft: parameters[.reason]?.string.flatMap(firstNumber))
            case "pinBlocked": return .pinBlocked
            case "channelNotOffered": return .counterOnly
            default: return .notAllowed(state: nil)
            }
        case "IdentityMismatch": return .identityMismatch
        case "PermissionDenied": return .permissionDenied
        case "CardNotFound", "HolderNotFound": return .cardNotRegistered
        case "NoCardInReader", "CardFailed", "ReaderNotFound", "NoReader", "SeveralCardsPresent", "ReaderUnresponsive":
            return .cardUnreadable
        case "PinFormat": return .pinFormat
        case "RegistryUnavailable", "StorageFull", "ReaderUnavailable", "ReaderBusy": return .serviceUnavailable
        default: return .failed
        }
    }

    /// "wrong PIN, 2 tries left" → 2.
    static func firstNumber(_ text: String) -> Int? {
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if !digits.isEmpty {
                break
            }
        }
        return Int(digits)
    }
}
