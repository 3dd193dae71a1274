import CSQLite

/// `SQLITE_TRANSIENT` is a macro Swift does not import: it tells SQLite to copy
/// bound bytes at once, so the Swift buffer may go away after the call.
let sqliteTransient = unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)

/// A prepared statement.
///
/// Owned by one `Connection` and used by the same thread as it. It does not
/// keep the connection object alive; the database handle itself stays valid
/// until the last statement is finalized (the connection closes with
/// `sqlite3_close_v2`), so a stray statement can never touch freed memory.
public final class Statement {
    public let sql: String
    let handle: OpaquePointer
    /// Bumped on every step and reset, so a `Row` kept past its step is caught
    /// instead of silently reading another row's columns.
    private(set) var generation: UInt64 = 0
    /// Set while a cached statement is being iterated, so a nested query with
    /// the same SQL gets its own statement instead of clobbering this one.
    var inUse = false

    init(database: OpaquePointer, sql: String, persistent: Bool) throws(SQLiteError) {
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        // The tail points into the C string, so it is examined while that
        // string is alive: inside `withCString`. A second statement after the
        // first would be silently ignored, so it is detected here; trailing
        // whitespace, semicolons and comments prepare to nothing.
        let (rc, extraStatement) = sql.withCString { text -> (Int32, Bool) in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(database, text, -1, flags, &statement, &tail)
            guard rc == SQLITE_OK, let tail, tail.pointee != 0 else { return (rc, false) }
            var next: OpaquePointer?
            let tailCode = sqlite3_prepare_v2(database, tail, -1, &next, nil)
            sqlite3_finalize(next)
            return (rc, tailCode != SQLITE_OK || next != nil)
        }
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, database: database, sql: sql) }
        guard let statement else { throw .misuse("no statement in SQL text", sql: sql) }
        if extraStatement {
            sqlite3_finalize(statement)
            throw .misuse("more than one statement; use execute(_:) for scripts", sql: sql)
        }
        self.sql = sql
        self.handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }
    public func columnName(_ index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// Resets the statement, clears old bindings and binds `values` to
    /// parameters 1…n. The count must match exactly: a mismatch is a bug in
    /// the SQL or the caller, and SQLite would silently bind NULL instead.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        reset()
        guard values.count == parameterCount else {
            throw .misuse("expected \(parameterCount) parameters, got \(values.count)", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(handle, index)
            case .integer(let number):
                rc = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                rc = sqlite3_bind_double(handle, index, number)
            case .text(var text):
                rc = text.withUTF8 { bytes in
                    // An empty buffer may have no base address, which SQLite would read as NULL.
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), sqliteTransient)
                    }
                }
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress, !raw.isEmpty else {
                        return sqlite3_bind_zeroblob(handle, index, 0)
                    }
                    return sqlite3_bind_blob(handle, index, base, Int32(raw.count), sqliteTransient)
                }
            }
            guard rc == SQLITE_OK else {
                throw SQLiteError(resultCode: rc, database: sqlite3_db_handle(handle), sql: sql)
            }
        }
    }

    /// Advances to the next row; `nil` when the statement is done. The row is
    /// only valid until the next `step`, `bind` or `reset`.
    public func step() throws(SQLiteError) -> Row? {
        generation &+= 1
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW:
            return Row(statement: self, generation: generation)
        case SQLITE_DONE:
            return nil
        default:
            let error = SQLiteError(resultCode: rc, database: sqlite3_db_handle(handle), sql: sql)
            reset()
            throw error
        }
    }

    /// Ends any iteration and drops bound values. Resetting promptly matters in
    /// WAL mode: an unreset statement keeps its read snapshot (and blocks
    /// checkpoints); clearing means personal data is not left bound in memory.
    public func reset() {
        generation &+= 1
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }
}
