import Foundation

/// Callbacks for events, called in registration order on the publishing
/// thread: the registry's committed changes, the daemon's reader events.
public final class Observers<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var callbacks: [Int: @Sendable (Event) -> Void] = [:]
    private var nextToken = 0

    public init() {}

    /// Registers `callback`; the token removes it again.
    public func add(_ callback: @escaping @Sendable (Event) -> Void) -> Int {
        lock.withLock {
            nextToken += 1
            callbacks[nextToken] = callback
            return nextToken
        }
    }

    public func remove(_ token: Int) {
        lock.withLock { _ = callbacks.removeValue(forKey: token) }
    }

    /// Whether any callback is registered (a publisher may skip building events).
    public var isEmpty: Bool { lock.withLock { callbacks.isEmpty } }

    /// Calls every callback registered now with each event, outside the lock.
    public func publish(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let current = lock.withLock { callbacks.sorted { $0.key < $1.key }.map(\.value) }
        for event in events {
            for callback in current { callback(event) }
        }
    }

    public func publish(_ event: Event) { publish([event]) }
}
