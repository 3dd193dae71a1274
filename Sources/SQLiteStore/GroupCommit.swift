import Dispatch
import Foundation

/// Many threads write; one thread commits.
///
/// Every `write` closure goes to a queue. A single writer thread takes
/// everything queued (up to `maxBatch`), runs it in ONE immediate
/// transaction with each closure inside its own SAVEPOINT, COMMITs once, and
/// only then hands every caller its result. So:
/// - no caller hears "done" before its change is durable (WAL +
///   synchronous=FULL: the COMMIT has fsynced the log);
/// - a closure that throws rolls back only its own writes and gets its own
///   error; the others in the batch are unaffected;
/// - if the COMMIT itself fails (e.g. `.full`), the whole batch is rolled
///   back and every caller whose closure succeeded gets that error;
/// - a lone write is not delayed: batches form from what queued up while the
///   previous commit was fsyncing, which is exactly when batching pays;
/// - a blocking `write` that finds nothing queued and no batch running
///   commits on its own thread instead, as a batch of one: the lone writer
///   skips two thread hand-offs. Whoever holds the connection, one thread
///   uses it at a time (`WriteQueue`).
///
/// The instance owns its connection: nothing else may use it after `init`,
/// and `close()` closes it. Closures run on the writer thread (or, for a lone
/// blocking write, on the caller's) and must not BEGIN/COMMIT themselves
/// (nest with `savepoint`) or call `write` again.
public final class GroupCommit: @unchecked Sendable {
    private let queue = WriteQueue()
    private let connection: Connection
    public let maxBatch: Int

    public init(connection: Connection, maxBatch: Int = 256) {
        precondition(maxBatch > 0, "maxBatch must be positive")
        self.connection = connection
        self.maxBatch = maxBatch
        let queue = self.queue
        let thread = Thread { [maxBatch] in
            while let batch = queue.nextBatch(limit: maxBatch) {
                let (outcomes, leftover) = Self.commit(batch, on: connection)
                queue.endBatch(ran: outcomes.count, leftover: leftover)
                for (write, failure) in zip(batch, outcomes) { write.finish(failure) }
            }
            try? connection.close()
            queue.markStopped()
        }
        thread.name = "sscard.group-commit"
        thread.start()
    }

    deinit { close() }

    /// Runs `body` in the next batch and returns its value once the batch is
    /// committed; rethrows the body's own error, or the COMMIT's. Blocks the
    /// calling thread; safe to call from any number of threads.
    public func write<T: Sendable>(_ body: @escaping (Connection) throws -> T) throws -> T {
        var outcome: Result<T, any Error>?
        if try queue.beginDirect() {
            // Nothing queued, no batch running: commit here, as a batch of one.
            let write = PendingWrite(body) { outcome = $0 }
            let (outcomes, _) = Self.commit([write], on: connection)
            queue.endDirect()
            write.finish(outcomes[0])
            return try outcome!.get()
        }
        let done = DispatchSemaphore(value: 0)
        try queue.enqueue(PendingWrite(body) { result in
            outcome = result
            done.signal()
        })
        done.wait()
        return try outcome!.get()
    }

    /// The same as `write`, for async callers: suspends instead of blocking a thread.
    public func writeAsync<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try queue.enqueue(PendingWrite(body) { continuation.resume(with: $0) })
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Stops accepting writes, lets the writer finish what is queued, stops
    /// its thread and closes the connection. Idempotent. From inside a write
    /// closure it only stops intake (waiting there would deadlock).
    public func close() {
        queue.beginClosing()
        if !queue.isWriterThread { queue.waitUntilStopped() }
    }

    /// Transactions begun and closures run so far; `writes / transactions`
    /// is the average batch size.
    public var statistics: (transactions: Int, writes: Int) { queue.statistics }

    /// Test hook: see `WriteQueue.waitUntilPending`.
    func waitUntilPending(_ count: Int) { queue.waitUntilPending(count) }

    /// Runs one batch. Returns one outcome (nil = success) per write that ran,
    /// and the writes that must be retried because SQLite dropped the
    /// transaction before they ran.
    private static func commit(_ batch: [any QueuedWrite], on connection: Connection)
        -> (outcomes: [(any Error)?], leftover: [any QueuedWrite])
    {
        do {
            try connection.run("BEGIN IMMEDIATE")
        } catch {
            return (Array(repeating: error, count: batch.count), [])
        }
        var outcomes: [(any Error)?] = []
        outcomes.reserveCapacity(batch.count)
        for (index, write) in batch.enumerated() {
            do {
                try connection.savepoint {
                    try write.perform(connection)
                    try connection.checkDeferredForeignKeys()
                }
                outcomes.append(nil)
            } catch {
                outcomes.append(error)
            }
            if !connection.isInTransaction {
                // SQLite rolled the whole transaction back (after .full,
                // .ioerr, .busy, .nomem) or the closure ended it: earlier
                // successes are gone too and must hear why; later writes have
                // not run and go back to the queue.
                let cause = outcomes[index] ?? GroupCommitError.transactionEnded
                return (outcomes.map { $0 ?? cause }, Array(batch[(index + 1)...]))
            }
        }
        do {
            try connection.run("COMMIT")
        } catch {
            connection.rollbackIfActive()
            return (outcomes.map { $0 ?? error }, [])
        }
        return (outcomes, [])
    }
}
