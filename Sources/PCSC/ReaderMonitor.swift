import CPCSCLite
import Dispatch
import Foundation

/// Watches readers and cards and reports changes as `ReaderEvent`s.
///
/// One thread blocks in `SCardGetStatusChange` on the real readers plus the
/// `\\?PnP?\Notification` pseudo-reader, so the monitor reacts at once when
/// something happens. `stop()` wakes it with `SCardCancel`.
///
/// The wait is bounded (`recheckInterval`) and a state older than the one
/// already seen is ignored, because libpcsclite 1.9.9 shares one reader-state
/// table between all the contexts of a process without a lock: another
/// thread's call can put a stale snapshot under this one's wait, which then
/// sleeps through a change that has already happened and is never signalled
/// again. A fault run saw it as a card removal never reported, about once
/// in a few hundred insert/remove cycles (docs/pcsc.md, "Missed events").
///
/// When pcscd goes away, every known card and reader is reported removed
/// (they really are unreachable), the context is established again with a
/// backoff (there is no event for "the daemon is back"), and what the new
/// daemon sees is reported as attached/inserted.
public final class ReaderMonitor: @unchecked Sendable {
    /// Every event, in order, until `stop()` finishes the stream.
    public let events: AsyncStream<ReaderEvent>
    private let continuation: AsyncStream<ReaderEvent>.Continuation
    private let context: PCSCContext
    private let lock = NSLock()
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)
    /// What we last reported, so that re-listing after a restart emits
    /// only differences.
    private var known: [String: ReaderStatus] = [:]
    private var handler: (@Sendable (ReaderEvent) -> Void)?

    /// Longest pause between attempts to reach a restarted pcscd.
    public var maximumBackoff: Duration = .seconds(2)
    /// Longest wait before the readers' states are fetched again even without
    /// a wake-up from pcscd: the bound on how late a missed change is reported.
    public var recheckInterval: Duration = .seconds(1)

    /// Creates the monitor with its own context (`SCardCancel` interrupts
    /// every wait on a context, so it must not be shared).
    public init() throws(PCSCError) {
        context = try PCSCContext()
        (events, continuation) = AsyncStream.makeStream(of: ReaderEvent.self, bufferingPolicy: .unbounded)
    }

    deinit {
        stop()
        context.release()
    }

    /// Starts the watching thread; `handler` (if any) runs on it for each
    /// event, in addition to the `events` stream.
    public func start(handler: (@Sendable (ReaderEvent) -> Void)? = nil) {
        lock.lock()
        defer { lock.unlock() }
        guard thread == nil, !stopping else { return }
        self.handler = handler
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "sscard.reader-monitor"
        self.thread = thread
        thread.start()
    }

    /// Stops the thread and finishes `events`. Returns once the thread is
    /// out of libpcsclite.
    public func stop() {
        lock.lock()
        let running = thread != nil && !stopping
        stopping = true
        lock.unlock()
        guard running else {
            continuation.finish()
            return
        }
        wake.signal()
        // A cancel that arrives between two waits is lost, so repeat it
        // until the thread acknowledges; normally the first one suffices.
        repeat {
            context.cancel()
        } while finished.wait(timeout: .now() + .milliseconds(100)) == .timedOut
        continuation.finish()
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func emit(_ event: ReaderEvent) {
        handler?(event)
        continuation.yield(event)
    }

    private func run() {
        var backoff: Duration = .milliseconds(50)
        while !isStopping {
            do throws(PCSCError) {
                try watch()
            } catch where error == .cancelled {
                continue
            } catch {
                // Service lost (or another failure): report everything gone,
                // then try a fresh context after a pause stop() can cut short.
                reportAllGone()
                if let handle = try? context.current() { context.discard(handle) }
                _ = wake.wait(timeout: .now() + .milliseconds(Int(backoff / .milliseconds(1))))
                backoff = min(backoff * 2, maximumBackoff)
                continue
            }
        }
    }

    /// Watches until the service fails or a cancel arrives.
    private func watch() throws(PCSCError) {
        let handle = try context.current()
        var readers = try PCSCContext.listReaders(handle)
        reconcileReaders(readers)
        var states = ReaderStateArray(readers: [ReaderStateArray.plugAndPlay] + readers)
        let timeout = DWORD(max(1, recheckInterval / .milliseconds(1)))
        while !isStopping {
            let code = states.wait(context: handle, timeout: timeout)
            if code == Int(SCARD_E_TIMEOUT) { continue }
            if code == Int(SCARD_E_UNKNOWN_READER) || code == Int(SCARD_E_READER_UNAVAILABLE) {
                // A reader vanished between listing and waiting: list again.
                readers = try PCSCContext.listReaders(handle)
                reconcileReaders(readers)
                states = ReaderStateArray(readers: [ReaderStateArray.plugAndPlay] + readers)
                continue
            }
            try PCSCError.check(code)
            var relist = states.eventState(at: 0) & DWORD(SCARD_STATE_CHANGED) != 0
            for index in 1..<states.names.count {
                let event = states.eventState(at: index)
                if event & DWORD(SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE) != 0 { relist = true; continue }
                switch ReaderStateChange.classify(previous: states.states[index].dwCurrentState, event: event) {
                case .unchanged:
                    continue
                case .stale:
                    // Keep what we acknowledged; the next wait fetches afresh.
                    states.keepAcknowledged(at: index)
                case let .changed(swapped):
                    reconcileCard(states.status(at: index), swapped: swapped)
                }
            }
            states.acknowledge()
            if relist {
                readers = try PCSCContext.listReaders(handle)
                if readers != Array(states.names.dropFirst()) {
                    reconcileReaders(readers)
                    let carried = states.states[0]
                    states = ReaderStateArray(readers: [ReaderStateArray.plugAndPlay] + readers)
                    states.states[0].dwCurrentState = carried.dwEventState
                }
            }
        }
    }

    /// Emits attach/detach for the difference between `readers` and what
    /// was reported; new readers get their card state on the next wait.
    private func reconcileReaders(_ readers: [String]) {
        for gone in known.keys.sorted() where !readers.contains(gone) {
            if known[gone]?.cardPresent == true { emit(.cardRemoved(reader: gone)) }
            known[gone] = nil
            emit(.readerDetached(gone))
        }
        for reader in readers where known[reader] == nil {
            known[reader] = ReaderStatus(reader: reader, cardPresent: false, atr: [])
            emit(.readerAttached(reader))
        }
    }

    private func reconcileCard(_ status: ReaderStatus, swapped: Bool) {
        let before = known[status.reader]
        known[status.reader] = status
        switch (before?.cardPresent ?? false, status.cardPresent) {
        case (false, true):
            emit(.cardInserted(reader: status.reader, atr: status.atr))
        case (true, false):
            emit(.cardRemoved(reader: status.reader))
        case (true, true) where swapped || before?.atr != status.atr:
            // Swapped faster than one wait: report both halves.
            emit(.cardRemoved(reader: status.reader))
            emit(.cardInserted(reader: status.reader, atr: status.atr))
        default:
            break
        }
    }

    private func reportAllGone() {
        reconcileReaders([])
    }
}
