import Foundation
import Testing
@testable import SQLiteStore

@Suite struct MaintenanceTests {
    @Test func integrityCheckIsCleanOnAFreshDatabase() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (x TEXT UNIQUE)")
        try connection.run("INSERT INTO t VALUES (?)", ["a"])
        #expect(try connection.integrityCheck() == [])
        #expect(try connection.integrityCheck(full: true) == [])
    }

    @Test func integrityCheckReportsCorruption() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        do {
            let connection = try Connection(path: path)
            try connection.execute("CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x);")
            try connection.transaction {
                for i in 0..<2000 { try connection.run("INSERT INTO t VALUES (?)", [.text("row \(i)")]) }
            }
            try connection.close()
        }
        // Scribble over the middle of the file (past the header and schema page).
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4096 * 3 + 100)
        handle.write(Data(repeating: 0x5A, count: 3000))
        try handle.close()
        let reopened = try Connection(path: path)
        let problems: [String]
        do {
            problems = try reopened.integrityCheck(full: true)
        } catch let error as SQLiteError {
            // Some damage is reported as an error rather than as result lines.
            #expect(error.code == .corrupt)
            return
        }
        #expect(!problems.isEmpty)
    }

    @Test func checkpointEmptiesTheLog() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (x)")
        for i in 0..<50 { try connection.run("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) }
        let wal = directory.path("db.sqlite-wal")
        let size = { try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int }
        #expect(try size() ?? 0 > 0)
        try connection.checkpoint()
        #expect(try size() == 0)
        #expect(try connection.queryOne("SELECT count(*) FROM t", []) { $0.int64(0) } == 50)
    }

    @Test func backupProducesAnOpenableCopyWithTheSameRows() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, photo BLOB)")
        try connection.transaction {
            for i in 0..<500 {
                try connection.run("INSERT INTO t (name, photo) VALUES (?, ?)",
                                   [.text("持卡人\(i)"), .blob(Array(repeating: UInt8(i % 256), count: 300))])
            }
        }
        let target = directory.path("backup.sqlite")
        try connection.backup(to: target)
        #expect(!FileManager.default.fileExists(atPath: target + ".partial"))

        let copy = try Connection(path: target, options: .reader)
        let read = { (c: Connection) in
            try c.queryAll("SELECT id, name, photo FROM t ORDER BY id", []) { row in
                "\(row.int64(0)!)|\(row.string(1)!)|\(row.blob(2)!.count)|\(row.blob(2)!.first!)"
            }
        }
        #expect(try read(copy) == read(connection))
        #expect(try copy.integrityCheck() == [])

        // Backing up again replaces the old copy with the current state.
        try connection.run("DELETE FROM t WHERE id > 10")
        try copy.close()
        try connection.backup(to: target)
        let second = try Connection(path: target)
        #expect(try second.queryOne("SELECT count(*) FROM t", []) { $0.int64(0) } == 10)
    }
}
