import Foundation
import SQLiteStore
import SSCardValues

/// The registry on one SQLite file: the default engine for a service point.
///
/// One connection writes, through group commit: concurrent mutations share a
/// transaction and one fsync, and none returns before its commit is durable
/// (WAL, synchronous=FULL). Reads use a small pool of read-only connections,
/// so queries never wait for a commit's fsync. Card statuses are also kept in
/// a `CardStatusCache`: this engine is the file's only writer, so every change
/// passes through `write` and reaches the cache after its commit.
public final class SQLiteRegistryStore: RegistryStore, Sendable {
    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open the registry at \(path): \(reason)" }
    }

    public let path: String
    private let writer: Connection
    private let groupCommit: GroupCommit
    private let readers: ConnectionPool
    private let checkpointer: WALCheckpointer
    /// Nil when opened with `statusCache: 0`.
    public let statusCache: CardStatusCache?
    private let warmUp: StatusCacheWarmUp?
    private let foreignCommits = ForeignCommits()
    /// Seals the entries this store appends; nil leaves the chain unkeyed.
    public let auditKey: AuditKey?

    /// Page cache of the writing connection and of each read connection.
    public static let writerCacheKiB = 64 * 1024
    public static let readerCacheKiB = 2 * 1024

    /// Connection settings. Readers map up to 1 GiB of the file, which keeps
    /// a million-card registry's hot pages in memory (docs/benchmarks.md);
    /// reads through it bypass the page cache, so a reader's cache (2 MiB)
    /// only holds pages it read from the WAL, and 16 MiB measured no faster.
    /// The writer does not map the file: every page it changes is copied into
    /// its 64 MiB cache anyway, and alternating runs measured it no slower
    /// without. Together the caches stay under 64 MiB + 2 MiB per read
    /// connection (docs/store.md, "Memory").
    static func options(readOnly: Bool) -> Connection.Options {
        var options = readOnly ? Connection.Options.reader : Connection.Options()
        options.cacheSizeKiB = readOnly ? readerCacheKiB : writerCacheKiB
        if readOnly { options.mmapSizeBytes = 1 << 30 }
        if !readOnly { options.walAutocheckpointPages = 20_000 }  // backstop for WALCheckpointer
        return options
    }

    /// Opens (creating if needed) the registry file, applies migrations and
    /// checks integrity at `integrityCheck`'s level before serving anything.
    ///
    /// - Parameter statusCache: how many card statuses to keep in memory
    ///   (0: none). A background thread loads them after opening, so opening
    ///   does not wait for it.
    /// - Parameter auditKey: seals appended audit entries (HMAC) and checks
    ///   keyed ones. A chain that already holds keyed entries does not open
    ///   without it: unkeyed entries after keyed ones would break the chain.
    public init(path: String, integrityCheck: IntegrityCheck = .bounded, maxBatch: Int = 256,
                readerLimit: Int = 8, statusCache: Int = 1_000_000, auditKey: AuditKey? = nil) throws {
        self.path = path
        self.auditKey = auditKey
        do {
            writer = try Connection(path: path, options: Self.options(readOnly: false))
            let applied = try Migrator(RegistrySchema.migrations).migrate(writer)
            _ = applied
            let problems = try OpenCheck.run(writer, level: integrityCheck, key: auditKey)
            guard problems.isEmpty else {
                throw OpenError(path: path, reason: "integrity check failed: \(problems.prefix(3).joined(separator: "; "))")
            }
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(path: path, reason: String(describing: error))
        }
        do {
            checkpointer = try WALCheckpointer(path: path)
        } catch {
            throw OpenError(path: path, reason: String(describing: error))
        }
        groupCommit = GroupCommit(connection: writer, maxBatch: maxBatch)
        readers = ConnectionPool(limit: readerLimit) { [path] in
            try Connection(path: path, options: Self.options(readOnly: true))
        }
        if statusCache > 0 {
            let cache = CardStatusCache(capacity: statusCache)
            self.statusCache = cache
            warmUp = StatusCacheWarmUp(cache: cache, path: path, options: Self.options(readOnly: true))
        } else {
            self.statusCache = nil
            warmUp = nil
        }
    }

    public func cardStatus(_ number: CardNumber) throws -> CardStatus? {
        guard let statusCache else { return try read(snapshot: false) { try $0.cardStatus(number) } }
        if let status = statusCache.status(of: number) { return status }
        let ticket = statusCache.ticket()
        let status = try read(snapshot: false) { try $0.cardStatus(number) }
        if let status { statusCache.fill(status, ticket: ticket) }
        return status
    }

    /// Blocks until the status cache's warm-up has loaded every card it can
    /// hold (benchmarks measure the steady state); returns at once without a cache.
    public func waitForStatusCacheWarmUp() { warmUp?.wait() }

    public func read<T>(snapshot: Bool, _ body: (any RegistryReading) throws -> T) throws -> T {
        try readers.withConnection { connection in
            let access = SQLiteRegistryAccess(db: connection, auditKey: auditKey)
            guard snapshot else { return try body(access) }
            return try connection.transaction(.deferred) { try body(access) }
        }
    }

    public func write<T: Sendable>(_ body: (any RegistryWriting) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            // The writer thread runs the body while this thread waits for it,
            // so the closure never outlives this call.
            nonisolated(unsafe) let body = body
            do {
                guard let statusCache else {
                    return try groupCommit.write { [auditKey] connection in
                        try body(SQLiteRegistryAccess(db: connection, auditKey: auditKey))
                    }
                }
                let changes = CardChanges()
                let result = try groupCommit.write { [foreignCommits, auditKey] connection in
                    if try foreignCommits.check(connection) { statusCache.clear() }
                    return try body(SQLiteRegistryAccess(db: connection, changes: changes, auditKey: auditKey))
                }
                statusCache.committed(changes.list)
                return result
            } catch let error as SQLiteError where error.code == .full {
                // SQLite rolled the transaction back; the writer stays usable
                // and commits again as soon as there is space.
                throw RegistryError.storageFull("the file system holding \(path) is full; nothing was applied, "
                    + "and the call succeeds once space is freed")
            }
        }
    }

    /// The full check: every page of the file and the whole audit chain.
    /// Returns the problems found; empty means intact.
    public func checkIntegrity() throws -> [String] {
        try readers.withConnection { try OpenCheck.run($0, level: .full, key: auditKey) }
    }

    public func backup(to path: String) throws {
        try readers.withConnection { try $0.backup(to: path) }
    }

    public func close() throws {
        warmUp?.stop()
        groupCommit.close()
        checkpointer.stop()
        readers.closeAll()
        try writer.close()
    }

    /// Commit batching so far, for benchmarks and tests.
    public var commitStatistics: (transactions: Int, writes: Int) { groupCommit.statistics }
}
