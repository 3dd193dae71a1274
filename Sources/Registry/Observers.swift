import Synchronization

/// Callbacks for events, called in registration order on the publishing
/// thread: the registry's committed changes, the daemon's reader events.
public final class Observers<Event: Sendable>: Sendable {
    private struct State {
        var callbacks: [Int: @Sendable (Event) -> Void] = [:]
        var nextToken = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Registers `callback`; the token removes it again.
    public func add(_ callback: @escaping @Sendable (Event) -> Void) -> Int {
        state.withLock { state in
            state.nextToken += 1
            state.callbacks[state.nextToken] = callback
            return state.nextToken
        }
    }

    public func remove(_ token: Int) {
        state.withLock { _ = $0.callbacks.removeValue(forKey: token) }
    }

    /// Whether any callback is registered (a publisher may skip building events).
    public var isEmpty: Bool { state.withLock { $0.callbacks.isEmpty } }

    /// Calls every callback registered now with each event, outside the lock.
    public func publish(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let current = state.withLock { $0.callbacks.sorted { $0.key < $1.key }.map(\.value) }
        for event in events {
            for callback in current { callback(event) }
        }
    }

    public func publish(_ event: Event) { publish([event]) }
}
