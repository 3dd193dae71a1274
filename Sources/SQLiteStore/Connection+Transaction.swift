import CSQLite

extension Connection {
    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it
    /// throws (its error is rethrown unchanged) or when COMMIT itself fails
    /// (e.g. `.full`), so nothing is ever half applied. Not reentrant: nest
    /// with `savepoint` instead.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try run("BEGIN \(kind.rawValue)")
        let value: T
        do {
            value = try body()
        } catch {
            rollbackIfActive()
            throw error
        }
        do {
            try run("COMMIT")
        } catch {
            rollbackIfActive()
            throw error
        }
        return value
    }

    /// Runs `body` inside a SAVEPOINT: released when it returns, rolled back
    /// (only its own changes) when it throws. Works inside or outside a
    /// transaction and nests to any depth.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        // Names depend only on depth, so the cached statements are reused.
        let name = "sscard_sp\(savepointDepth)"
        try run("SAVEPOINT \(name)")
        let value: T
        do {
            value = try body()
        } catch {
            rollback(to: name)
            throw error
        }
        do {
            try run("RELEASE \(name)")
        } catch {
            rollback(to: name)
            throw error
        }
        return value
    }

    /// SQLite may already have rolled back on its own (after `.full`,
    /// `.ioerr`, `.busy`, `.nomem`); a second ROLLBACK would only add an error.
    func rollbackIfActive() {
        if isInTransaction { try? run("ROLLBACK") }
    }

    private func rollback(to name: String) {
        guard isInTransaction else { return }
        try? run("ROLLBACK TO \(name)")
        try? run("RELEASE \(name)")
    }

    /// Fails if deferred foreign-key violations are pending. Group commit calls
    /// this after each closure so one caller's dangling reference is rolled
    /// back with its own savepoint instead of failing the whole batch at COMMIT.
    func checkDeferredForeignKeys() throws(SQLiteError) {
        var current: Int32 = 0
        var highwater: Int32 = 0
        let rc = sqlite3_db_status(try handle(), SQLITE_DBSTATUS_DEFERRED_FKS, &current, &highwater, 0)
        guard rc == SQLITE_OK else { throw SQLiteError(code: ResultCode(rc), message: "sqlite3_db_status failed") }
        if current > 0 {
            throw SQLiteError(code: .constraint, extendedCode: .constraintForeignKey,
                              message: "FOREIGN KEY constraint failed (deferred)")
        }
    }
}
