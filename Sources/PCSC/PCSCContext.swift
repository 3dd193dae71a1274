import CPCSCLite
import Foundation

/// One PC/SC resource-manager context, kept usable across pcscd restarts.
///
/// pcscd may be restarted (package upgrade, crash, socket activation timing
/// out) while sscard keeps running. Calls on a context from the old daemon
/// fail with `SCARD_E_NO_SERVICE` or `SCARD_E_SERVICE_STOPPED`; every call
/// here then releases the context, establishes a new one and retries once,
/// so callers see either success or the error from the fresh daemon.
///
/// The context handle is owned here: `release()` frees it, `deinit` is the
/// fallback. Thread-safe; blocking calls (`waitForChange`) should use their
/// own context, because `cancel()` interrupts every wait on a context.
public final class PCSCContext: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: SCARDCONTEXT?
    /// How many times a new context was established after the first; lets
    /// tests and logs tell that a recovery happened.
    public var generation: Int { lock.withLock { establishedAgain } }
    private var establishedAgain = 0

    public init() throws(PCSCError) {
        handle = try Self.establish()
    }

    deinit {
        if let handle { SCardReleaseContext(handle) }
    }

    static func establish() throws(PCSCError) -> SCARDCONTEXT {
        var context: SCARDCONTEXT = 0
        try PCSCError.check(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context))
        return context
    }

    /// Frees the context; later calls establish a new one.
    public func release() {
        lock.lock()
        defer { lock.unlock() }
        if let handle { SCardReleaseContext(handle) }
        handle = nil
    }

    /// The live handle, establishing one if needed.
    func current() throws(PCSCError) -> SCARDCONTEXT {
        lock.lock()
        defer { lock.unlock() }
        if let handle { return handle }
        let fresh = try Self.establish()
        handle = fresh
        establishedAgain += 1
        return fresh
    }

    /// Drops `stale` if it is still the current handle, so that the next
    /// `current()` establishes a context with the new daemon.
    func discard(_ stale: SCARDCONTEXT) {
        lock.lock()
        defer { lock.unlock() }
        guard handle == stale else { return }
        SCardReleaseContext(stale)
        handle = nil
    }

    /// Runs `body` with the context; on a lost service re-establishes and
    /// runs it once more.
    public func withRecovery<T>(_ body: (SCARDCONTEXT) throws(PCSCError) -> T) throws(PCSCError) -> T {
        let first = try current()
        do {
            return try body(first)
        } catch where error.isServiceLoss {
            discard(first)
            return try body(try current())
        }
    }

    /// Checks that the daemon answers on this context (recovering if not).
    public func validate() throws(PCSCError) {
        try withRecovery { context throws(PCSCError) in
            try PCSCError.check(SCardIsValidContext(context))
        }
    }

    /// The names of the readers pcscd knows, in its order; empty when none
    /// are attached.
    public func readers() throws(PCSCError) -> [String] {
        try withRecovery { context throws(PCSCError) in try Self.listReaders(context) }
    }

    static func listReaders(_ context: SCARDCONTEXT) throws(PCSCError) -> [String] {
        var length: DWORD = 0
        let sized = SCardListReaders(context, nil, nil, &length)
        if sized == Int(SCARD_E_NO_READERS_AVAILABLE) { return [] }
        try PCSCError.check(sized)
        var buffer = [CChar](repeating: 0, count: Int(length))
        let listed = SCardListReaders(context, nil, &buffer, &length)
        if listed == Int(SCARD_E_NO_READERS_AVAILABLE) { return [] }
        try PCSCError.check(listed)
        return splitMultiString(buffer)
    }

    /// PC/SC returns lists as NUL-separated names ending in an empty name.
    static func splitMultiString(_ buffer: [CChar]) -> [String] {
        buffer.split(separator: 0, omittingEmptySubsequences: true).map { chars in
            String(decoding: chars.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Current presence and ATR of each reader, without waiting.
    public func status(of readers: [String]) throws(PCSCError) -> [ReaderStatus] {
        try withRecovery { context throws(PCSCError) in
            let states = ReaderStateArray(readers: readers)
            try PCSCError.check(states.wait(context: context, timeout: 0))
            return states.statuses()
        }
    }

    /// Connects to the card in `reader`.
    public func connect(reader: String, share: ShareMode = .shared,
                        protocols: CardProtocols = [.t0, .t1]) throws(PCSCError) -> CardConnection {
        try withRecovery { context throws(PCSCError) in
            try CardConnection(context: self, handle: context, reader: reader, share: share, protocols: protocols)
        }
    }

    /// Interrupts a blocking `SCardGetStatusChange` on this context.
    public func cancel() {
        lock.lock()
        let handle = self.handle
        lock.unlock()
        if let handle { SCardCancel(handle) }
    }
}
