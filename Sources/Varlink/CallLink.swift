import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a call in flight shares with its connection: whether the peer is
/// still there, and who to tell when it leaves.
///
/// Kept apart from `VarlinkReply` so the I/O thread can hold it without
/// keeping the reply alive (a reply a handler drops is answered by the
/// reply's deinit).
///
/// It also carries the fast path for a call's final reply: when the
/// connection had no reply bytes waiting at the moment the call started, the
/// worker writes the final reply to the socket itself (non-blocking) and
/// marks the call complete, instead of handing the bytes to the I/O thread
/// and waking it. The I/O thread learns of the completion when it next looks
/// at the connection (`takeCompletion`), and is woken through the outbox only
/// if it said it was waiting (`watch`). Everything under one lock, which
/// `disconnect` also takes before the I/O thread closes the descriptor, so a
/// worker never writes to a closed (or reused) descriptor.
final class CallLink: @unchecked Sendable {
    private let lock = NSLock()
    private var connected = true
    private var finished = false
    private var disconnectHandlers: [@Sendable () -> Void] = []
    /// The socket, while the worker may still write the final reply to it; -1 once it may not.
    private var directDescriptor: Int32
    /// The final reply was written directly (or the oneway call ended) without a post.
    private var completed = false
    /// The I/O thread wants an outbox entry when the call completes.
    private var watched = false
    /// Stream replies posted but not yet taken by the I/O thread, and the
    /// connection's reply bytes not yet written to the socket: what a
    /// streaming producer waits on (`waitForBacklog`), so a long stream
    /// follows its reader's pace instead of meeting the output cap.
    private var queuedBytes = 0
    private var unwrittenBytes = 0
    private let drained = NSCondition()

    /// `directDescriptor`: the connection's socket when nothing is waiting in
    /// its output buffer, else -1 (replies must then queue behind that output).
    init(directDescriptor: Int32 = -1) {
        self.directDescriptor = directDescriptor
    }

    /// What the sink must still post after `completeDirectly`.
    enum Completion {
        /// Done; nobody needs to hear.
        case done
        /// Done, but the I/O thread is waiting: post a final entry without bytes.
        case notify
        /// Post these bytes (possibly all of them) as the final entry.
        case post([UInt8])
    }

    /// For the final message of a call: writes `bytes` straight to the
    /// socket when allowed; otherwise (or for what the socket did not take)
    /// says what to post. With empty `bytes` (a oneway call) it only completes.
    func completeDirectly(_ bytes: [UInt8]) -> Completion {
        lock.lock()
        defer { lock.unlock() }
        guard connected, directDescriptor >= 0 || bytes.isEmpty else { return .post(bytes) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                send(directDescriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            // The socket failed: the I/O thread will see the hangup; just end the call.
            offset = bytes.count
        }
        directDescriptor = -1
        if offset < bytes.count { return .post(Array(bytes[offset...])) }
        completed = true
        return watched ? .notify : .done
    }

    /// A message that is not the last went through the outbox: the final one
    /// must follow it there, not overtake it.
    func forbidDirect() {
        lock.lock()
        directDescriptor = -1
        lock.unlock()
    }

    /// I/O thread: true if the call completed without a post. Otherwise,
    /// with `watch`, asks for an outbox entry when it does complete.
    func takeCompletion(watch: Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if completed { return true }
        if watch { watched = true }
        return false
    }

    /// A worker posted `count` bytes of a stream reply.
    func noteQueued(_ count: Int) {
        drained.lock()
        queuedBytes += count
        drained.unlock()
    }

    /// I/O thread: `count` bytes left the outbox for the connection's output.
    func noteTaken(_ count: Int) {
        drained.lock()
        queuedBytes -= count
        drained.unlock()
    }

    /// I/O thread: after a write, `count` bytes still wait for the socket.
    func noteUnwritten(_ count: Int) {
        drained.lock()
        unwrittenBytes = count
        drained.broadcast()
        drained.unlock()
    }

    /// Waits until fewer than `limit` bytes of this call's replies are still
    /// on their way to the peer. False when the peer went away, or the
    /// backlog did not shrink below the limit within `timeout`.
    func waitForBacklog(below limit: Int, timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds)
                                                  + Double(timeout.components.attoseconds) / 1e18)
        drained.lock()
        defer { drained.unlock() }
        while queuedBytes + unwrittenBytes >= limit {
            guard isConnected, drained.wait(until: deadline) else { return false }
        }
        return isConnected
    }

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
        directDescriptor = -1
        let handlers = disconnectHandlers
        disconnectHandlers = []
        lock.unlock()
        drained.lock()
        drained.broadcast()
        drained.unlock()
        guard !handlers.isEmpty else { return }
        DispatchQueue.global().async {
            for handler in handlers { handler() }
        }
    }
}
