import CSQLite

/// One SQLite database connection.
///
/// Threading model: a connection is used by one thread at a time (it is opened
/// with `SQLITE_OPEN_NOMUTEX`, so SQLite does no locking of its own for it).
/// It is `Sendable` only so it can be handed to the thread that will use it,
/// e.g. to `GroupCommit`, which then owns it. For concurrency, open more
/// connections to the same file: one writer plus any number of readers works
/// well in WAL mode, where readers never block the writer or each other.
public final class Connection: @unchecked Sendable {
    public let path: String
    public let options: Options
    private var database: OpaquePointer?
    private var cache: [String: Statement] = [:]
    /// Statements prepared through the cache; tests use it to prove reuse.
    private(set) var prepareCount = 0
    var savepointDepth = 0

    static let cacheCapacity = 128

    public init(path: String, options: Options = .init()) throws(SQLiteError) {
        self.path = path
        self.options = options
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if options.readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0)
        }
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let error = SQLiteError(resultCode: rc, database: handle, sql: nil)
            sqlite3_close_v2(handle)
            throw error
        }
        database = handle
        do {
            try configure()
        } catch {
            cache.removeAll()
            sqlite3_close_v2(handle)
            database = nil
            throw error
        }
    }

    deinit {
        cache.removeAll()
        if let database { sqlite3_close_v2(database) }
    }

    private func configure() throws(SQLiteError) {
        sqlite3_busy_timeout(try handle(), options.busyTimeoutMilliseconds)
        if options.journalModeWAL && !options.readOnly {
            let mode = try firstRow("PRAGMA journal_mode = WAL") { $0.string(0) } ?? nil
            // In-memory databases cannot use WAL; anything else must, or the
            // concurrency and durability promises in docs/store.md do not hold.
            if mode?.lowercased() != "wal" && mode?.lowercased() != "memory" {
                throw .misuse("journal_mode=WAL not applied (got \(mode ?? "nothing"))")
            }
        }
        try execute("PRAGMA synchronous = \(options.synchronousFull ? "FULL" : "NORMAL")")
        try execute("PRAGMA foreign_keys = \(options.foreignKeys ? "ON" : "OFF")")
        if let kib = options.cacheSizeKiB { try execute("PRAGMA cache_size = -\(kib)") }
        if let bytes = options.mmapSizeBytes { try execute("PRAGMA mmap_size = \(bytes)") }
        if let pages = options.walAutocheckpointPages { try execute("PRAGMA wal_autocheckpoint = \(pages)") }
    }

    func handle() throws(SQLiteError) -> OpaquePointer {
        guard let database else { throw .misuse("connection is closed") }
        return database
    }

    /// Runs one or more statements without parameters (schema scripts, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        let database = try handle()
        let rc = sqlite3_exec(database, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, database: database, sql: sql) }
    }

    /// Prepares a statement outside the cache; the caller owns it.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: try handle(), sql: sql, persistent: false)
    }

    /// Runs one statement with parameters, stepping it to completion.
    public func run(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) {
        let statement = try acquire(sql)
        defer { release(statement) }
        try statement.bind(values)
        while try statement.step() != nil {}
    }

    /// Iterates the rows of one statement. Errors thrown by `body` end the
    /// iteration and are rethrown unchanged.
    public func query(_ sql: String, _ values: [SQLiteValue] = [], _ body: (Row) throws -> Void) throws {
        let statement = try acquire(sql)
        defer { release(statement) }
        try statement.bind(values)
        while let row = try statement.step() { try body(row) }
    }

    /// The first row mapped through `map`, or `nil` when there is none.
    public func queryOne<T>(_ sql: String, _ values: [SQLiteValue] = [], _ map: (Row) throws -> T) throws -> T? {
        let statement = try acquire(sql)
        defer { release(statement) }
        try statement.bind(values)
        guard let row = try statement.step() else { return nil }
        return try map(row)
    }

    /// Typed-throws first-row read for the store's own pragmas.
    func firstRow<T>(_ sql: String, _ map: (Row) -> T) throws(SQLiteError) -> T? {
        let statement = try acquire(sql)
        defer { release(statement) }
        try statement.bind([])
        guard let row = try statement.step() else { return nil }
        return map(row)
    }

    /// Every row mapped through `map`.
    public func queryAll<T>(_ sql: String, _ values: [SQLiteValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try query(sql, values) { result.append(try map($0)) }
        return result
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { database.map { Int(sqlite3_changes64($0)) } ?? 0 }

    public var lastInsertRowID: Int64 { database.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// True between BEGIN and COMMIT/ROLLBACK (including an automatic rollback by SQLite).
    public var isInTransaction: Bool { database.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    /// Closes the connection. Cached statements are finalized; statements the
    /// caller still holds keep the handle alive until they are released.
    /// Closing twice is harmless.
    public func close() throws(SQLiteError) {
        guard let database else { return }
        cache.removeAll()
        let rc = sqlite3_close_v2(database)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, database: database, sql: nil) }
        self.database = nil
    }

    // MARK: Statement cache

    private func acquire(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = cache[sql], !cached.inUse {
            cached.inUse = true
            return cached
        }
        let statement = try Statement(database: try handle(), sql: sql, persistent: true)
        prepareCount += 1
        statement.inUse = true
        if cache[sql] == nil {
            if cache.count >= Self.cacheCapacity { cache.remove(at: cache.startIndex) }
            cache[sql] = statement
        }
        return statement
    }

    private func release(_ statement: Statement) {
        statement.reset()
        statement.inUse = false
    }
}
