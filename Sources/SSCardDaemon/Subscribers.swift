import Foundation

/// Callbacks registered by Monitor streams, called in registration order.
final class Subscribers<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var callbacks: [Int: @Sendable (Event) -> Void] = [:]
    private var next = 0

    func add(_ callback: @escaping @Sendable (Event) -> Void) -> Int {
        lock.withLock {
            next += 1
            callbacks[next] = callback
            return next
        }
    }

    func remove(_ token: Int) {
        lock.withLock { _ = callbacks.removeValue(forKey: token) }
    }

    func publish(_ event: Event) {
        let current = lock.withLock { callbacks.sorted { $0.key < $1.key }.map(\.value) }
        for callback in current { callback(event) }
    }
}
