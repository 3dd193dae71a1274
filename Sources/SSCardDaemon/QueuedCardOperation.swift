import Dispatch
import Synchronization

/// One card operation handed to a reader's queue, and the caller waiting for
/// it until a deadline.
///
/// The caller (a varlink worker) must never wait longer than the deadline,
/// whatever the card does: a card that stops answering leaves pcsc-lite's
/// `SCardTransmit` blocked, and nothing in PC/SC can interrupt it. So the
/// work runs on the reader's queue and the caller waits on a semaphore with
/// a timeout. When the deadline passes, the operation is abandoned: if it
/// had not started, the queue skips it when its turn comes; if it was
/// running, it runs on (it cannot be stopped) and its result is dropped.
/// Either way the caller is free at once.
///
/// The phases are one value under one lock, so "finished just as the
/// deadline passed" has exactly one outcome: whoever takes the lock first.
final class QueuedCardOperation<Value: Sendable>: Sendable {
    enum Phase {
        case queued
        case running
        case finished(Result<Value, any Error>)
        /// The caller gave up (deadline) or was told to (`cancelIfQueued`).
        case abandoned(whileRunning: Bool)
    }

    /// What the waiting caller gets.
    enum Outcome {
        case finished(Result<Value, any Error>)
        /// The deadline passed; `whileRunning` says whether the work had
        /// started (the card is stuck in it) or was still waiting its turn.
        case timedOut(whileRunning: Bool)
        /// The reader was found unresponsive while this waited its turn.
        case cancelled
    }

    private let phase = Mutex<Phase>(.queued)
    private let done = DispatchSemaphore(value: 0)

    init() {}

    /// On the queue, before the work: false if the caller has already gone
    /// (the work must then be skipped).
    func start() -> Bool {
        phase.withLock { phase in
            guard case .queued = phase else { return false }
            phase = .running
            return true
        }
    }

    /// On the queue, after the work. Dropped if the caller has gone.
    func finish(_ result: Result<Value, any Error>) {
        let delivered = phase.withLock { phase in
            guard case .running = phase else { return false }
            phase = .finished(result)
            return true
        }
        if delivered { done.signal() }
    }

    /// Tells a caller still waiting its turn to give up now; false if the
    /// work has started or ended (its caller keeps its own deadline).
    @discardableResult
    func cancelIfQueued() -> Bool {
        let cancelled = phase.withLock { phase in
            guard case .queued = phase else { return false }
            phase = .abandoned(whileRunning: false)
            return true
        }
        if cancelled { done.signal() }
        return cancelled
    }

    /// Waits until the work has finished, or the deadline has passed, or
    /// the operation was cancelled; never longer than the deadline.
    func wait(until deadline: DispatchTime) -> Outcome {
        let signalled = done.wait(timeout: deadline) == .success
        return phase.withLock { phase in
            switch phase {
            case let .finished(result): return .finished(result)
            case .abandoned: return .cancelled
            case .queued:
                precondition(!signalled, "signalled while still queued")
                phase = .abandoned(whileRunning: false)
                return .timedOut(whileRunning: false)
            case .running:
                precondition(!signalled, "signalled while still running")
                phase = .abandoned(whileRunning: true)
                return .timedOut(whileRunning: true)
            }
        }
    }
}
