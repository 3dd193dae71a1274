import Foundation
import SSCardValues

/// A committed change, for monitors (the daemon's Monitor method streams these).
public enum RegistryEvent: Hashable, Sendable {
    case cardChanged(CardRecord, action: AuditAction, actor: Actor)
    case applicationChanged(Application, action: AuditAction, actor: Actor)
    case holderChanged(SocialSecurityNumber, actor: Actor)
    /// Not a change: changes may have been committed that observers were not
    /// (and will not be) shown — a shared registry's change feed could not
    /// catch up after losing its session. Whoever shows registry state should
    /// read it again. `reason` says why, for people; it holds no personal data.
    case gap(reason: String)
}
