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

    /// Whether a card in this state *holds the holder's place*: it can be
    /// used again without a new card. A formally lost card still can (a
    /// release at the counter brings it back) until a replacement is bound —
    /// and binding the replacement cancels it in the same transaction, so no
    /// formally lost card with a bound replacement exists. Only a cancelled
    /// card never holds the place. At most one card holds a holder's place
    /// (`HolderInvariants`); letting formal loss free the place is what once
    /// let a first-card application put a second usable card beside it.
    public var holdsTheHoldersPlace: Bool { self != .cancelled }

    /// The name people read; the one vocabulary in SSCardValues holds it, so
    /// the registry, sscardctl and the kiosk cannot drift apart.
    public var chinese: String { ServiceVocabulary.cardState.chinese(rawValue) }

    public static func < (lhs: CardState, rhs: CardState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
