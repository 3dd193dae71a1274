import Testing
@testable import SQLiteStore

@Suite struct TransactionTests {
    struct Refusal: Error, Equatable { let reason: String }

    func makeConnection(_ directory: TemporaryDirectory) throws -> Connection {
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (x INTEGER NOT NULL)")
        return connection
    }

    func count(_ connection: Connection) throws -> Int64? {
        try connection.queryOne("SELECT count(*) FROM t", []) { $0.int64(0) } ?? nil
    }

    @Test func commitsAndReturnsTheValue() throws {
        let directory = try TemporaryDirectory()
        let connection = try makeConnection(directory)
        let id = try connection.transaction {
            try connection.run("INSERT INTO t VALUES (1)")
            #expect(connection.isInTransaction)
            return connection.lastInsertRowID
        }
        #expect(id == 1)
        #expect(!connection.isInTransaction)
        let other = try Connection(path: directory.path("db.sqlite"))
        #expect(try count(other) == 1)
    }

    @Test func rollsBackAndRethrowsTheBodysError() throws {
        let directory = try TemporaryDirectory()
        let connection = try makeConnection(directory)
        #expect(throws: Refusal(reason: "no")) {
            try connection.transaction(.deferred) {
                try connection.run("INSERT INTO t VALUES (1)")
                throw Refusal(reason: "no")
            }
        }
        #expect(!connection.isInTransaction)
        #expect(try count(connection) == 0)
        // A failing statement inside the body rolls back earlier ones too.
        #expect(throws: SQLiteError.self) {
            try connection.transaction {
                try connection.run("INSERT INTO t VALUES (2)")
                try connection.run("INSERT INTO t VALUES (NULL)")
            }
        }
        #expect(try count(connection) == 0)
    }

    @Test func nestedSavepointsRollBackOnlyTheirOwnWork() throws {
        let directory = try TemporaryDirectory()
        let connection = try makeConnection(directory)
        try connection.transaction(.exclusive) {
            try connection.run("INSERT INTO t VALUES (1)")
            try connection.savepoint {
                try connection.run("INSERT INTO t VALUES (2)")
                #expect(throws: Refusal(reason: "inner")) {
                    try connection.savepoint {
                        try connection.run("INSERT INTO t VALUES (3)")
                        throw Refusal(reason: "inner")
                    }
                }
                #expect(connection.savepointDepth == 1)
            }
        }
        #expect(try connection.queryAll("SELECT x FROM t ORDER BY x", []) { $0.int64(0) } == [1, 2])
        // Outside a transaction a savepoint is its own transaction.
        try connection.savepoint { try connection.run("INSERT INTO t VALUES (4)") }
        #expect(!connection.isInTransaction)
        #expect(try count(connection) == 3)
        // Transactions do not nest: the inner BEGIN is refused, the outer rolls back.
        #expect(throws: SQLiteError.self) {
            try connection.transaction { try connection.transaction { try connection.run("INSERT INTO t VALUES (5)") } }
        }
        #expect(try count(connection) == 3)
    }
}
