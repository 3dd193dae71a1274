import Foundation
import SSCardValues

/// A committed change, for monitors (the daemon's Monitor method streams these).
public enum RegistryEvent: Hashable, Sendable {
    case cardChanged(CardRecord, action: String, actor: Actor)
    case applicationChanged(Application, action: String, actor: Actor)
    case holderChanged(SocialSecurityNumber, actor: Actor)
}

/// The observers of a registry, called after each commit.
final class RegistryEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var observers: [Int: @Sendable (RegistryEvent) -> Void] = [:]
    private var nextToken = 0

    func add(_ observer: @escaping @Sendable (RegistryEvent) -> Void) -> Int {
        lock.withLock {
            nextToken += 1
            observers[nextToken] = observer
            return nextToken
        }
    }

    func remove(_ token: Int) {
        lock.withLock { _ = observers.removeValue(forKey: token) }
    }

    func publish(_ events: [RegistryEvent]) {
        guard !events.isEmpty else { return }
        let current = lock.withLock { Array(observers.values) }
        for event in events {
            for observer in current { observer(event) }
        }
    }
}
