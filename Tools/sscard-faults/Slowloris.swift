import Foundation
import Glibc

/// Slow clients: each sends a valid call one byte a second and keeps the
/// partial message open, as a slowloris attack does. The daemon has no idle
/// timeout to show; what it must show is that these cost it a descriptor
/// and a buffer each and nobody else notices, and that a call completed at
/// last is answered.
final class Slowloris: @unchecked Sendable {
    private let sockets: [RawSocket]
    private let message: [UInt8]
    private let lock = NSLock()
    private var sent = 0
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    init(socketPath: String, count: Int, message: [UInt8]) throws {
        sockets = try (0..<count).map { _ in try RawSocket(path: socketPath) }
        self.message = message
        Thread.detachNewThread { [self] in
            // One byte each per second, never the last one.
            while true {
                let (offset, stop) = lock.withLock { (sent, stopping) }
                if stop || offset >= message.count - 1 { break }
                sockets.forEach { $0.send([message[offset]]) }
                lock.withLock { sent = offset + 1 }
                Thread.sleep(forTimeInterval: 1)
            }
            finished.signal()
        }
    }

    /// Stops dripping; returns how many connections were still open, how
    /// many got an answer containing `expected` once the rest of the call was
    /// sent, and how many bytes each had sent slowly.
    func finish(expecting expected: String) -> (held: Int, answered: Int, slowBytes: Int) {
        lock.withLock { stopping = true }
        finished.wait()
        let offset = lock.withLock { sent }
        var held = 0
        for socket in sockets where !socket.closedByPeer(timeout: .milliseconds(1)) { held += 1 }
        let rest = Array(message[offset...])
        var answered = 0
        for socket in sockets where socket.send(rest) && socket.nextReply()?.contains(expected) == true { answered += 1 }
        sockets.forEach { $0.close() }
        return (held, answered, offset)
    }
}
