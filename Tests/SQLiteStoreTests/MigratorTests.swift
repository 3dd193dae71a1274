import Testing
@testable import SQLiteStore

@Suite struct MigratorTests {
    static let first = Migration(id: "0001-person", sql: """
        CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE INDEX person_name ON person (name);
        """)
    static let second = Migration(id: "0002-card", sql: """
        CREATE TABLE card (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES person (id));
        """)
    static let backfill = Migration(id: "0003-backfill") { connection in
        try connection.run("INSERT INTO person (name) VALUES (?)", ["赵六"])
    }

    func tables(_ connection: Connection) throws -> [String] {
        try connection.queryAll("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", []) {
            $0.string(0) ?? ""
        }
    }

    @Test func migratesAnEmptyFileThenAppliesNothingOnReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        do {
            let connection = try Connection(path: path)
            let migrator = Migrator([Self.first, Self.second])
            #expect(try migrator.appliedIdentifiers(connection) == [])
            #expect(try migrator.migrate(connection) == ["0001-person", "0002-card"])
            #expect(try tables(connection) == ["card", "person", "schema_migrations"])
        }
        let reopened = try Connection(path: path)
        #expect(try Migrator([Self.first, Self.second]).migrate(reopened) == [])
        let grown = Migrator([Self.first, Self.second, Self.backfill])
        #expect(try grown.migrate(reopened) == ["0003-backfill"])
        #expect(try grown.appliedIdentifiers(reopened) == ["0001-person", "0002-card", "0003-backfill"])
        #expect(try reopened.queryOne("SELECT name FROM person", []) { $0.string(0) } == "赵六")
        let stamp = try reopened.queryOne("SELECT applied_at FROM schema_migrations LIMIT 1", []) { $0.string(0) }
        #expect(stamp??.hasSuffix("Z") == true)
    }

    @Test func refusesADatabaseWithUnknownMigrations() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        _ = try Migrator([Self.first, Self.second]).migrate(connection)
        let older = Migrator([Self.first])
        #expect(throws: MigrationError.unknownAppliedMigrations(["0002-card"])) {
            try older.migrate(connection)
        }
        #expect(try older.appliedIdentifiers(connection) == ["0001-person", "0002-card"])
    }

    @Test func aFailingMigrationLeavesNoTrace() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        let broken = Migration(id: "0002-broken", sql: "CREATE TABLE half (x); CREATE TABLE oops (")
        let migrator = Migrator([Self.first, broken])
        #expect(throws: SQLiteError.self) { try migrator.migrate(connection) }
        #expect(try migrator.appliedIdentifiers(connection) == ["0001-person"])
        #expect(try tables(connection) == ["person", "schema_migrations"])
        #expect(throws: MigrationError.duplicateIdentifier("0001-person")) {
            try Migrator([Self.first, Self.first]).migrate(connection)
        }
    }
}
