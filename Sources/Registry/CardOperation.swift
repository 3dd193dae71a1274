/// Everything that can be done to a card. Each case is one row group of the
/// transition table in `CardLifecycle`.
public enum CardOperation: String, CaseIterable, Codable, Sendable {
    case activate
    case reportTemporaryLoss
    case reportFormalLoss
    case releaseLoss
    /// A temporary loss released by its deadline passing; only the system does this.
    case autoRelease
    case lock
    case unlock
    /// Resets the PIN retry counter and sets a new PIN (counter only).
    case resetPassword
    case changePassword
    case seal
    case unseal
    case cancel
    /// Binding a replacement card cancels the card it replaces.
    case supersede

    public var chinese: String {
        switch self {
        case .activate: return "启用"
        case .reportTemporaryLoss: return "临时挂失"
        case .reportFormalLoss: return "正式挂失"
        case .releaseLoss: return "解挂"
        case .autoRelease: return "自动解挂"
        case .lock: return "应用锁定"
        case .unlock: return "应用解锁"
        case .resetPassword: return "密码重置"
        case .changePassword: return "密码修改"
        case .seal: return "封存"
        case .unseal: return "解封"
        case .cancel: return "注销"
        case .supersede: return "补换卡注销"
        }
    }
}
