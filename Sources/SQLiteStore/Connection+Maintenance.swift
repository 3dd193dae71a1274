import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// Runs `PRAGMA quick_check` (or the slower, index-verifying
    /// `integrity_check` when `full`). Returns the problems found; an empty
    /// array means the database is sound.
    public func integrityCheck(full: Bool = false) throws -> [String] {
        let lines = try queryAll(full ? "PRAGMA integrity_check" : "PRAGMA quick_check") { $0.string(0) ?? "" }
        return lines == ["ok"] ? [] : lines
    }

    /// Copies the WAL into the main database file. With `truncate` it waits
    /// for readers and writers to get out of the way (up to the busy timeout)
    /// and then empties the log file, bounding its size; otherwise it copies
    /// what it can without waiting. SQLite also checkpoints on its own every
    /// 1000 pages, so this is for quiet moments and before file-level copies.
    public func checkpoint(truncate: Bool = true) throws(SQLiteError) {
        let database = try handle()
        let mode = truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE
        let rc = sqlite3_wal_checkpoint_v2(database, nil, mode, nil, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, database: database, sql: nil) }
    }

    /// Copies the whole database to `path` with SQLite's online backup API,
    /// which reads one consistent snapshot (in WAL mode writers on other
    /// connections carry on meanwhile). The copy is written to a temporary
    /// sibling and renamed into place, so `path` is either absent/old or a
    /// complete backup, never a torn one. An existing file at `path` is replaced.
    public func backup(to path: String) throws(SQLiteError) {
        let source = try handle()
        let temporary = path + ".partial"
        unlink(temporary)
        var destination: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var rc = sqlite3_open_v2(temporary, &destination, flags, nil)
        guard rc == SQLITE_OK, let destination else {
            let error = SQLiteError(resultCode: rc, database: destination, sql: nil)
            sqlite3_close_v2(destination)
            throw error
        }
        var closed = false
        defer {
            if !closed { sqlite3_close_v2(destination); unlink(temporary) }
        }
        guard let backup = sqlite3_backup_init(destination, "main", source, "main") else {
            throw SQLiteError(resultCode: sqlite3_errcode(destination), database: destination, sql: nil)
        }
        rc = sqlite3_backup_step(backup, -1)
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else { throw SQLiteError(resultCode: rc, database: destination, sql: nil) }
        guard finish == SQLITE_OK else { throw SQLiteError(resultCode: finish, database: destination, sql: nil) }
        rc = sqlite3_close(destination)
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, database: destination, sql: nil) }
        closed = true
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SQLiteError(code: .cantopen, message: "cannot move backup into place: \(reason)")
        }
        syncDirectory(containing: path)
    }

    /// Makes the rename itself durable; best effort, as not every file system
    /// allows opening a directory.
    private func syncDirectory(containing path: String) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let descriptor = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        #if canImport(Glibc)
        Glibc.close(descriptor)
        #else
        Darwin.close(descriptor)
        #endif
    }
}
