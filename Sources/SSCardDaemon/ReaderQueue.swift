import Dispatch
import PCSC
import Synchronization

/// One reader's card I/O: its own serial queue and its own PC/SC context,
/// a bound on the operations pending on it, and a deadline for each.
///
/// Why a queue and a context per reader: pcsc-lite's client library holds a
/// context's lock for the whole of a call, so one `SCardTransmit` stuck on a
/// mute card would also block every status or list call on that context; and
/// a serial queue shared by all readers would put every other reader's work
/// behind it. With one of each per reader, a stuck card holds only its own
/// queue. (`CardReaders` keeps one more, `sscard.readers`, for listing and
/// choosing readers.)
///
/// Why a deadline: the caller is a varlink worker, shared with registry
/// calls. Past `timeout` the caller gets `unresponsive` at once and its
/// worker is free; the stuck work is abandoned to this queue, and the reader
/// is marked unresponsive: later calls fail fast (no queueing behind a card
/// that does not answer) until the stuck work returns (the card answered,
/// was removed, or pcscd restarted), or `CardReaders` retires this queue
/// because the card left (a fresh queue serves the next card).
///
/// The context is touched only on the queue; it is released there, after
/// whatever work is still queued (`close`).
final class ReaderQueue: Sendable {
    let name: String
    let timeout: Duration
    let pendingLimit: Int
    /// What a call gets past the deadline or while the reader is marked.
    let unresponsive: ReaderFailure
    /// What a call gets when `pendingLimit` operations are already pending.
    let busy: ReaderFailure
    private let queue: DispatchQueue
    private let state = Mutex(State())
    /// Only on the queue.
    private let pcsc = Mutex<PCSCContext?>(nil)
    /// Called (outside the lock) when the mark is set (false) or cleared (true).
    private let responsiveness: @Sendable (ReaderQueue, Bool) -> Void

    private struct State {
        /// Cancellers of the operations pending here (queued or running).
        var pending: [ObjectIdentifier: @Sendable () -> Void] = [:]
        /// The operation whose caller gave up while it ran; set with the mark.
        var stuck: ObjectIdentifier?
        var retired = false
    }

    init(name: String, label: String, timeout: Duration, pendingLimit: Int,
         unresponsive: ReaderFailure, busy: ReaderFailure,
         responsiveness: @escaping @Sendable (ReaderQueue, Bool) -> Void = { _, _ in }) {
        self.name = name
        self.timeout = timeout
        self.pendingLimit = pendingLimit
        self.unresponsive = unresponsive
        self.busy = busy
        self.responsiveness = responsiveness
        queue = DispatchQueue(label: label)
    }

    /// Whether a call abandoned here is still stuck in the card.
    var isUnresponsive: Bool { state.withLock { $0.stuck != nil } }

    /// Operations pending here, running or waiting their turn.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Runs `body` on the queue and waits for it, never past the deadline.
    /// Fails fast while the reader is marked or `pendingLimit` operations
    /// are pending. `body` gets this queue, for `context()`.
    func run<Value: Sendable>(_ body: @escaping @Sendable (ReaderQueue) throws -> Value) throws -> Value {
        let operation = QueuedCardOperation<Value>()
        let id = ObjectIdentifier(operation)
        let refusal: ReaderFailure? = state.withLock { state in
            if state.stuck != nil { return unresponsive }
            if state.pending.count >= pendingLimit { return busy }
            state.pending[id] = { operation.cancelIfQueued() }
            return nil
        }
        if let refusal { throw refusal }
        let deadline = DispatchTime.now() + .nanoseconds(Self.nanoseconds(timeout))
        queue.async {
            if operation.start() { operation.finish(Result { try body(self) }) }
            self.ended(id)
        }
        switch operation.wait(until: deadline) {
        case let .finished(result): return try result.get()
        case .cancelled, .timedOut(whileRunning: false): throw unresponsive
        case .timedOut(whileRunning: true):
            mark(stuck: id)
            throw unresponsive
        }
    }

    /// This queue's PC/SC context, established on first use; only from a
    /// body running on the queue.
    func context() throws(ReaderFailure) -> PCSCContext {
        let result: Result<PCSCContext, ReaderFailure> = pcsc.withLock { context in
            if let context { return .success(context) }
            do throws(PCSCError) {
                let created = try PCSCContext()
                context = created
                return .success(created)
            } catch {
                return .failure(.unavailable(error.description))
            }
        }
        return try result.get()
    }

    /// No more work will be given to this queue: its context is released
    /// after the work already queued (at once if nothing is stuck; when the
    /// stuck transmit returns otherwise), and the mark is no longer reported.
    func retire() {
        state.withLock { $0.retired = true }
        close()
    }

    /// Releases the context on the queue, after the work queued before.
    func close() {
        queue.async { self.pcsc.withLock { $0?.release(); $0 = nil } }
    }

    private func mark(stuck id: ObjectIdentifier) {
        let cancel: [@Sendable () -> Void]? = state.withLock { state in
            // Finished between the deadline and now: nothing is stuck.
            guard state.pending[id] != nil, state.stuck == nil else { return nil }
            state.stuck = id
            return state.pending.filter { $0.key != id }.map(\.value)
        }
        guard let cancel else { return }
        // Those waiting behind the stuck one would only wait out their deadlines.
        cancel.forEach { $0() }
        responsiveness(self, false)
    }

    private func ended(_ id: ObjectIdentifier) {
        let cleared = state.withLock { state in
            state.pending[id] = nil
            guard state.stuck == id else { return false }
            state.stuck = nil
            return !state.retired
        }
        if cleared { responsiveness(self, true) }
    }

    static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}
