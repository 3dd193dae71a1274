import Foundation

/// The queue between submitting threads and the group-commit writer thread,
/// guarded by one condition variable. Kept apart from `GroupCommit` so the
/// writer thread can hold it without keeping the `GroupCommit` alive (whose
/// deinit then stops the thread).
final class WriteQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [any QueuedWrite] = []
    private var closing = false
    private var stopped = false
    private var writerThread: Thread?
    private var transactions = 0
    private var writes = 0

    func enqueue(_ write: any QueuedWrite) throws(GroupCommitError) {
        condition.lock()
        defer { condition.unlock() }
        if closing { throw .closed }
        if let writerThread, Thread.current === writerThread { throw .reentrantWrite }
        pending.append(write)
        condition.broadcast()
    }

    /// Blocks until work is queued, then takes up to `limit` writes. Returns
    /// `nil` once closing and drained. No timer: a lone write is taken at once.
    func nextBatch(limit: Int) -> [any QueuedWrite]? {
        condition.lock()
        defer { condition.unlock() }
        if writerThread == nil { writerThread = Thread.current }
        while pending.isEmpty && !closing { condition.wait() }
        if pending.isEmpty { return nil }
        if pending.count <= limit {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        let batch = Array(pending.prefix(limit))
        pending.removeFirst(limit)
        return batch
    }

    /// Puts writes that never ran (their batch's transaction was lost) back at the front.
    func requeue(_ writes: [any QueuedWrite]) {
        guard !writes.isEmpty else { return }
        condition.lock()
        pending.insert(contentsOf: writes, at: 0)
        condition.broadcast()
        condition.unlock()
    }

    func record(transactions: Int, writes: Int) {
        condition.lock()
        self.transactions += transactions
        self.writes += writes
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
        return writerThread != nil && Thread.current === writerThread
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
