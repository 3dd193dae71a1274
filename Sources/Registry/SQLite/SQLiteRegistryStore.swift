import Foundation
import SQLiteStore

/// The registry on one SQLite file: the default engine for a service point.
///
/// One connection writes, through group commit: concurrent mutations share a
/// transaction and one fsync, and none returns before its commit is durable
/// (WAL, synchronous=FULL). Reads use a small pool of read-only connections,
/// so queries never wait for a commit's fsync.
public final class SQLiteRegistryStore: RegistryStore, @unchecked Sendable {
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

    /// Connection settings: a 64 MiB page cache and a 1 GiB memory map keep a
    /// million-card registry's hot pages in memory (docs/benchmarks.md).
    static func options(readOnly: Bool) -> Connection.Options {
        var options = readOnly ? Connection.Options.reader : Connection.Options()
        options.cacheSizeKiB = readOnly ? 16 * 1024 : 64 * 1024
        options.mmapSizeBytes = 1 << 30
        if !readOnly { options.walAutocheckpointPages = 20_000 }  // backstop for WALCheckpointer
        return options
    }

    /// Opens (creating if needed) the registry file, applies migrations and
    /// checks integrity at `integrityCheck`'s level before serving anything.
    public init(path: String, integrityCheck: IntegrityCheck = .bounded, maxBatch: Int = 256,
                readerLimit: Int = 8) throws {
        self.path = path
        do {
            writer = try Connection(path: path, options: Self.options(readOnly: false))
            let applied = try Migrator(RegistrySchema.migrations).migrate(writer)
            _ = applied
            let problems = try OpenCheck.run(writer, level: integrityCheck)
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
    }

    public func read<T>(snapshot: Bool, _ body: (any RegistryReading) throws -> T) throws -> T {
        try readers.withConnection { connection in
            let access = SQLiteRegistryAccess(db: connection)
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
                return try groupCommit.write { connection in try body(SQLiteRegistryAccess(db: connection)) }
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
        try readers.withConnection { try OpenCheck.run($0, level: .full) }
    }

    public func backup(to path: String) throws {
        try readers.withConnection { try $0.backup(to: path) }
    }

    public func close() throws {
        groupCommit.close()
        checkpointer.stop()
        readers.closeAll()
        try writer.close()
    }

    /// Commit batching so far, for benchmarks and tests.
    public var commitStatistics: (transactions: Int, writes: Int) { groupCommit.statistics }
}
