import Foundation
import Testing
@testable import SQLiteStore

@Suite struct ConnectionTests {
    @Test func openAppliesPragmas() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        #expect(try connection.queryOne("PRAGMA journal_mode", []) { $0.string(0) } == "wal")
        #expect(try connection.queryOne("PRAGMA synchronous", []) { $0.int64(0) } == 2)
        #expect(try connection.queryOne("PRAGMA foreign_keys", []) { $0.int64(0) } == 1)
        #expect(try connection.queryOne("PRAGMA busy_timeout", []) { $0.int64(0) } == 5000)
        try connection.execute("CREATE TABLE t (x)")
        #expect(FileManager.default.fileExists(atPath: directory.path("db.sqlite-wal")))
    }

    @Test func optionsAreHonoured() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: SQLiteError.self) {
            try Connection(path: directory.path("missing.sqlite"), options: .init(create: false))
        }
        do {
            _ = try Connection(path: directory.path("missing.sqlite"), options: .reader)
            Issue.record("opening a missing file read-only succeeded")
        } catch {
            #expect(error.code == .cantopen)
        }
        let writer = try Connection(path: directory.path("db.sqlite"),
                                    options: .init(synchronousFull: false, foreignKeys: false, busyTimeoutMilliseconds: 10))
        #expect(try writer.queryOne("PRAGMA synchronous", []) { $0.int64(0) } == 1)
        #expect(try writer.queryOne("PRAGMA foreign_keys", []) { $0.int64(0) } == 0)
        try writer.execute("CREATE TABLE t (x)")
        let reader = try Connection(path: directory.path("db.sqlite"), options: .reader)
        do {
            try reader.run("INSERT INTO t VALUES (1)")
            Issue.record("a read-only connection wrote")
        } catch {
            #expect(error.code == .readonly)
        }
    }

    @Test func bindsAndReadsEveryValueType() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        // No declared type: no affinity, so each value keeps its storage class.
        try connection.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, value)")
        let values: [SQLiteValue] = [
            .null, .integer(0), .integer(.max), .integer(.min), .real(3.25), .real(-0.5),
            .text(""), .text("张三丰 · 社会保障卡 № 🪪"), .text("nul\u{0}inside"),
            .blob([]), .blob([0, 1, 2, 0xFF, 0]), .blob(Array(repeating: 0xAB, count: 100_000)),
        ]
        for value in values { try connection.run("INSERT INTO v (value) VALUES (?)", [value]) }
        let read = try connection.queryAll("SELECT value FROM v ORDER BY id", []) { $0[0] }
        #expect(read == values)

        let bindables: [any SQLiteBindable] = [42, Int64(7), 1.5, "李四", [UInt8]([9, 8]), true, Optional<Int>.none]
        try connection.execute("DELETE FROM v")
        for value in bindables { try connection.run("INSERT INTO v (value) VALUES (?)", [value.sqliteValue]) }
        try connection.query("SELECT value FROM v ORDER BY id", []) { _ in }
        let rows = try connection.queryAll("SELECT value FROM v ORDER BY id", []) { row in
            (row.int64(0), row.double(0), row.string(0), row.blob(0), row.bool(0), row.isNull(0))
        }
        #expect(rows.count == 7)
        #expect(rows[0].0 == 42 && rows[0].1 == 42.0 && rows[0].2 == nil)
        #expect(rows[1].0 == 7)
        #expect(rows[2].1 == 1.5 && rows[2].0 == nil)
        #expect(rows[3].2 == "李四" && rows[3].3 == nil)
        #expect(rows[4].3 == [9, 8])
        #expect(rows[5].4 == true)
        #expect(rows[6].5 && rows[6].0 == nil && rows[6].2 == nil)
    }

    @Test func cachesPreparedStatements() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (x INTEGER)")
        let before = connection.prepareCount
        for i in 0..<100 { try connection.run("INSERT INTO t (x) VALUES (?)", [.integer(Int64(i))]) }
        #expect(connection.prepareCount == before + 1)
        #expect(connection.changes == 1)
        #expect(connection.lastInsertRowID == 100)

        // The same SQL nested inside its own iteration gets a second statement
        // instead of resetting the one being iterated.
        var pairs = 0
        try connection.query("SELECT x FROM t WHERE x < ?", [3]) { outer in
            let x = outer.int64(0)!
            try connection.query("SELECT x FROM t WHERE x < ?", [3]) { _ in pairs += 1 }
            #expect(outer.int64(0) == x)
        }
        #expect(pairs == 9)
        let afterNested = connection.prepareCount
        try connection.query("SELECT x FROM t WHERE x < ?", [3]) { _ in }
        #expect(connection.prepareCount == afterNested)
    }

    @Test func errorsCarryCodeMessageAndSQLButNoValues() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE person (ssn TEXT PRIMARY KEY, name TEXT NOT NULL) STRICT")
        let insert = "INSERT INTO person (ssn, name) VALUES (?, ?)"
        let secret = "11010119900307777X"
        try connection.run(insert, [.text(secret), "王五"])
        do {
            try connection.run(insert, [.text(secret), "王五"])
            Issue.record("duplicate insert succeeded")
        } catch {
            #expect(error.code == .constraint)
            #expect(error.extendedCode == .constraintPrimaryKey)
            #expect(error.message.contains("person.ssn"))
            #expect(error.sql == insert)
            #expect(!error.description.contains(secret))
            #expect(!error.description.contains("王五"))
            #expect(error.description.contains(insert))
        }
        do {
            try connection.run("SELEKT * FROM person")
            Issue.record("syntax error accepted")
        } catch {
            #expect(error.code == .error)
            #expect(error.message.contains("syntax error"))
            #expect(error.sql == "SELEKT * FROM person")
        }
        #expect(throws: SQLiteError(code: .misuse, message: "expected 2 parameters, got 1", sql: insert)) {
            try connection.run(insert, ["only one"])
        }
        do {
            try connection.run("DELETE FROM person; DROP TABLE person")
            Issue.record("two statements accepted by run")
        } catch {
            #expect(error.code == .misuse)
        }
        #expect(throws: SQLiteError.self) { try connection.run("DELETE FROM person; garbage") }
        // Trailing semicolons and comments are not a second statement.
        #expect(try connection.queryOne("SELECT count(*) FROM person; -- how many\n", []) { $0.int64(0) } == 1)
        #expect(ResultCode.full.description.contains("full"))
    }

    @Test func closeIsExplicitAndFinal() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (x)")
        try connection.run("INSERT INTO t VALUES (1)")
        try connection.close()
        try connection.close()
        #expect(throws: SQLiteError.misuse("connection is closed")) { try connection.run("SELECT 1") }
        // Closing checkpointed the WAL into the main file.
        let again = try Connection(path: directory.path("db.sqlite"))
        #expect(try again.queryOne("SELECT count(*) FROM t", []) { $0.int64(0) } == 1)
    }
}
