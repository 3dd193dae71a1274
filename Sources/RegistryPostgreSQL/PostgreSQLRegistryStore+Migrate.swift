import PostgreSQLStore

extension PostgreSQLRegistryStore {
    /// Applies the registry's migrations on a connection of their own,
    /// opened with `conninfo` — the owner role's — and closes it. Returns the
    /// migrations applied.
    ///
    /// Why a separate connection: the role that owns the tables can alter and
    /// disable their triggers, so the daemon must not run as it. The owner
    /// migrates; the daemon's runtime role, granted only the rows it needs,
    /// then finds every migration applied and runs no DDL (docs/scale.md,
    /// "Roles: owner and runtime").
    public static func migrate(conninfo: String) throws -> [String] {
        let connection = try PGConnection(conninfo: conninfo)
        defer { connection.close() }
        return try PostgreSQLRegistrySchema.migrate(connection)
    }
}
