import SSCardValues

/// Where a card stands in its life. The raw values are the protocol's and the
/// database's spelling, so renaming a case is a migration, not a refactor.
public enum CardState: String, CaseIterable, Codable, Sendable, Comparable {
    /// Made and bound to its chip, not yet activated (启用).
    case issued
    /// The social-security function is in use.
    case active
    /// The card application is locked (应用锁定).
    case locked
    /// Reported lost for a limited period (临时挂失); releases itself at the deadline.
    case temporarilyLost
    /// Reported lost for good (正式挂失); the way forward is a replacement.
    case formallyLost
    /// Sealed (封存): kept, but unusable until unsealed.
    case sealed
    /// Cancelled (注销): terminal.
    case cancelled

    /// Whether this card counts as the holder's one usable card. A formally
    /// lost or cancelled card no longer does, so a replacement can be bound.
    public var holdsTheHoldersSlot: Bool {
        switch self {
        case .issued, .active, .locked, .temporarilyLost, .sealed: return true
        case .formallyLost, .cancelled: return false
        }
    }

    /// The name people read; the one vocabulary in SSCardValues holds it, so
    /// the registry, sscardctl and the kiosk cannot drift apart.
    public var chinese: String { ServiceVocabulary.cardState.chinese(rawValue) }

    public static func < (lhs: CardState, rhs: CardState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
