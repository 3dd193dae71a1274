import SSCardValues

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

    /// The name people read (the audit trail's `action` in a Chinese table),
    /// from the one vocabulary in SSCardValues.
    public var chinese: String { ServiceVocabulary.action.chinese(rawValue) }
}
