import Foundation
import SSCardValues

/// A committed change, for monitors (the daemon's Monitor method streams these).
public enum RegistryEvent: Hashable, Sendable {
    case cardChanged(CardRecord, action: String, actor: Actor)
    case applicationChanged(Application, action: String, actor: Actor)
    case holderChanged(SocialSecurityNumber, actor: Actor)
}
