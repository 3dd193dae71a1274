import Dispatch
import Foundation

/// What a call in flight shares with its connection: whether the peer is
/// still there, and who to tell when it leaves.
///
/// Kept apart from `VarlinkReply` so the I/O thread can hold it without
/// keeping the reply alive (a reply a handler drops is answered by the
/// reply's deinit).
final class CallLink: @unchecked Sendable {
    private let lock = NSLock()
    private var connected = true
    private var finished = false
    private var disconnectHandlers: [@Sendable () -> Void] = []

    var isConnected: Bool {
        lock.lock()
        defer { lock.unlock() }
        return connected
    }

    /// Runs `body` once when the connection closes before the call finishes;
    /// right away (on this thread) if it already has.
    func onDisconnect(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        if connected {
            if !finished { disconnectHandlers.append(body) }
            lock.unlock()
            return
        }
        lock.unlock()
        body()
    }

    /// The call sent its final reply: its handlers can never be needed.
    func finish() {
        lock.lock()
        finished = true
        disconnectHandlers = []
        lock.unlock()
    }

    /// Called by the I/O thread; handlers run on a global queue so a slow one
    /// cannot stall socket I/O.
    func disconnect() {
        lock.lock()
        guard connected else {
            lock.unlock()
            return
        }
        connected = false
        let handlers = disconnectHandlers
        disconnectHandlers = []
        lock.unlock()
        guard !handlers.isEmpty else { return }
        DispatchQueue.global().async {
            for handler in handlers { handler() }
        }
    }
}
