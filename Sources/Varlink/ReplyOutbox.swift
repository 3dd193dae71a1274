import Foundation

/// Serialized replies on their way from worker threads to the I/O thread,
/// which alone touches sockets. Only the post that makes the queue non-empty
/// signals the wakeup, so a burst of replies costs one wakeup.
final class ReplyOutbox: @unchecked Sendable {
    struct Entry {
        let connectionID: UInt64
        /// Identifies the call, so replies of a call the I/O thread already
        /// gave up on (its peer hung up) are recognised and dropped.
        let link: CallLink
        /// One NUL-terminated message; empty for the final "reply" of a oneway call.
        let bytes: [UInt8]
        /// Last message of the call: the connection may start its next call.
        let final: Bool
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private let wakeup: Wakeup

    init(wakeup: Wakeup) {
        self.wakeup = wakeup
    }

    func post(_ entry: Entry) {
        lock.lock()
        let wasEmpty = entries.isEmpty
        entries.append(entry)
        lock.unlock()
        if wasEmpty { wakeup.signal() }
    }

    /// Everything posted so far, in posting order. The I/O thread drains the
    /// wakeup before calling this, so no post can go unnoticed.
    func takeAll() -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        let taken = entries
        entries = []
        return taken
    }
}
