/// Brings a database's schema up to date, one recorded migration at a time.
///
/// Applied ids live in `schema_migrations`. Each migration runs in its own
/// IMMEDIATE transaction together with its bookkeeping row, so a crash leaves
/// it either fully applied and recorded or not at all, and two processes
/// migrating the same file at once cannot both apply a step.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id TEXT PRIMARY KEY NOT NULL,
            applied_at TEXT NOT NULL
        )
        """

    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies every migration not yet recorded, in list order, and returns
    /// the ids applied by this call (empty when already up to date).
    public func migrate(_ connection: Connection) throws -> [String] {
        var known = Set<String>()
        for migration in migrations where !known.insert(migration.id).inserted {
            throw MigrationError.duplicateIdentifier(migration.id)
        }
        try connection.execute(Self.createTable)
        let unknown = try appliedIdentifiers(connection).filter { !known.contains($0) }
        guard unknown.isEmpty else { throw MigrationError.unknownAppliedMigrations(unknown) }

        var applied: [String] = []
        for migration in migrations {
            let didApply = try connection.transaction(.immediate) { () throws -> Bool in
                // Re-checked under the write lock: another process may have got here first.
                let done = try connection.queryOne(
                    "SELECT 1 FROM schema_migrations WHERE id = ?", [.text(migration.id)]) { _ in true } ?? false
                if done { return false }
                try migration.apply(to: connection)
                try connection.run(
                    "INSERT INTO schema_migrations (id, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    [.text(migration.id)])
                return true
            }
            if didApply { applied.append(migration.id) }
        }
        return applied
    }

    /// Ids recorded in the database, in the order they were applied; empty
    /// for a database that was never migrated.
    public func appliedIdentifiers(_ connection: Connection) throws -> [String] {
        let exists = try connection.queryOne(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'") { _ in true } ?? false
        guard exists else { return [] }
        return try connection.queryAll("SELECT id FROM schema_migrations ORDER BY rowid") { $0.string(0) ?? "" }
    }
}
