import Foundation

/// The queue between submitting threads and the group-commit writer thread,
/// guarded by one condition variable. Kept apart from `GroupCommit` so the
/// writer thread can hold it without keeping the `GroupCommit` alive (whose
/// deinit then stops the thread).
///
/// `busy` says who holds the connection: the writer thread with a batch, or
/// one caller committing its own lone write (`beginDirect`). Neither starts
/// while the other holds it, so the connection is used by one thread at a
/// time, and the lock's hand-over orders their accesses.
final class WriteQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [any QueuedWrite] = []
    private var closing = false
    private var stopped = false
    private var busy = false
    private var writerThread: Thread?
    private var directThread: Thread?
    private var transactions = 0
    private var writes = 0

    func enqueue(_ write: any QueuedWrite) throws(GroupCommitError) {
        condition.lock()
        defer { condition.unlock() }
        try checkIntake()
        pending.append(write)
        condition.broadcast()
    }

    /// Called with the lock held.
    private func checkIntake() throws(GroupCommitError) {
        if closing { throw .closed }
        if Thread.current === writerThread || Thread.current === directThread { throw .reentrantWrite }
    }

    /// Lets the calling thread commit its own write when nothing is queued and
    /// no batch is running: a lone writer then skips two thread hand-offs.
    /// Returns false when it must queue instead; after true, the caller owns
    /// the connection until `endDirect`.
    func beginDirect() throws(GroupCommitError) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        try checkIntake()
        guard pending.isEmpty && !busy else { return false }
        busy = true
        directThread = Thread.current
        return true
    }

    /// Gives the connection back after a direct commit and wakes the writer
    /// thread for whatever queued up meanwhile.
    func endDirect() {
        condition.lock()
        busy = false
        directThread = nil
        transactions += 1
        writes += 1
        // Wake the writer thread only if it has work: after most lone
        // writes it has none, and a wasted wake-up costs the next writer.
        if !pending.isEmpty || closing { condition.broadcast() }
        condition.unlock()
    }

    /// Blocks until work is queued and the connection is free, then takes up
    /// to `limit` writes and holds the connection until `endBatch`. Returns
    /// `nil` once closing, drained and free. No timer: a lone write is taken
    /// at once.
    func nextBatch(limit: Int) -> [any QueuedWrite]? {
        condition.lock()
        defer { condition.unlock() }
        if writerThread == nil { writerThread = Thread.current }
        while busy || (pending.isEmpty && !closing) { condition.wait() }
        if pending.isEmpty { return nil }
        busy = true
        if pending.count <= limit {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        let batch = Array(pending.prefix(limit))
        pending.removeFirst(limit)
        return batch
    }

    /// Ends the writer thread's batch: counts it, puts writes that never ran
    /// (their transaction was lost) back at the front, frees the connection.
    func endBatch(ran: Int, leftover: [any QueuedWrite]) {
        condition.lock()
        transactions += 1
        writes += ran
        pending.insert(contentsOf: leftover, at: 0)
        busy = false
        condition.broadcast()
        condition.unlock()
    }

    var statistics: (transactions: Int, writes: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (transactions, writes)
    }

    var isWriterThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        return Thread.current === writerThread || Thread.current === directThread
    }

    /// Refuses new writes and wakes the writer so it drains and exits.
    func beginClosing() {
        condition.lock()
        closing = true
        condition.broadcast()
        condition.unlock()
    }

    func markStopped() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilStopped() {
        condition.lock()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// Test hook: blocks until `count` writes are waiting, so tests can build a
    /// known batch without sleeping.
    func waitUntilPending(_ count: Int) {
        condition.lock()
        while pending.count < count { condition.wait() }
        condition.unlock()
    }
}
