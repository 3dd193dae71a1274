import Dispatch
@testable import SQLiteStore
import SSCardRig
import Testing

/// `PRAGMA max_page_count` makes SQLite report SQLITE_FULL exactly as it does
/// for a full disk, without needing a tiny file system.
@Suite struct DiskFullTests {
    static let photo = SQLiteValue.blob(Array(repeating: 0x42, count: 64 * 1024))

    static func open(_ directory: TemporaryDirectory) throws -> Connection {
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, photo BLOB)")
        try connection.run("INSERT INTO t (photo) VALUES (x'00')")
        let pages = try connection.queryOne("PRAGMA page_count", []) { $0.int64(0) }!!
        try connection.run("PRAGMA max_page_count = \(pages + 2)")
        return connection
    }

    @Test func aFullDatabaseIsATypedErrorAndNothingIsHalfApplied() throws {
        let directory = try TemporaryDirectory()
        let connection = try Self.open(directory)
        do {
            try connection.transaction {
                try connection.run("INSERT INTO t (photo) VALUES (x'01')")
                try connection.run("INSERT INTO t (photo) VALUES (?)", [Self.photo])
            }
            Issue.record("a 64 KiB row fit into two pages")
        } catch let error as SQLiteError {
            #expect(error.code == .full)
            #expect(error.description.contains("full"))
        }
        #expect(!connection.isInTransaction)
        #expect(try connection.queryOne("SELECT count(*) FROM t", []) { $0.int64(0) } == 1)

        try connection.run("PRAGMA max_page_count = 1000000")
        try connection.transaction {
            try connection.run("INSERT INTO t (photo) VALUES (x'01')")
            try connection.run("INSERT INTO t (photo) VALUES (?)", [Self.photo])
        }
        #expect(try connection.queryOne("SELECT count(*) FROM t", []) { $0.int64(0) } == 3)
    }

    @Test func groupCommitReportsFullToTheCallerAndRecovers() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        let outcomes = LockedValue<[Int: String]>([:])
        GroupCommitTests.batch(on: groupCommit, (1...3).map { caller in
            {
                do {
                    try groupCommit.write { c in
                        try c.run("INSERT INTO t (photo) VALUES (?)", [caller == 2 ? Self.photo : .blob([UInt8(caller)])])
                    }
                    outcomes.withLock { $0[caller] = "ok" }
                } catch let error as SQLiteError {
                    outcomes.withLock { $0[caller] = "sqlite \(error.code.rawValue)" }
                } catch {
                    outcomes.withLock { $0[caller] = "other" }
                }
            }
        })
        // SQLite rolls the whole transaction back on SQLITE_FULL, so caller 1,
        // which ran before the full write in the same batch, loses its write
        // too and hears `.full`; caller 3 had not run yet and is retried in
        // the next batch, where it fits.
        let full = "sqlite \(ResultCode.full.rawValue)"
        #expect(outcomes.value == [1: full, 2: full, 3: "ok"])
        #expect(groupCommit.statistics.transactions == 3)
        #expect(groupCommit.statistics.writes == 4)

        try groupCommit.write { c in try c.run("PRAGMA max_page_count = 1000000") }
        try groupCommit.write { c in try c.run("INSERT INTO t (photo) VALUES (?)", [Self.photo]) }
        groupCommit.close()
        let reader = try Connection(path: directory.path("db.sqlite"))
        #expect(try reader.queryAll("SELECT length(photo) FROM t ORDER BY id", []) { $0.int64(0) } == [1, 1, 65536])
        #expect(try reader.integrityCheck() == [])
    }
}
