import Foundation
import Registry
import SQLiteStore
import SSCardValues

/// Fills a registry file with `count` holders, each with a delivered
/// application and an active card, the way a production-data import would:
/// in large transactions, straight into the schema the migrations made.
enum BulkLoad {
    static func ssn(_ n: Int) -> String {
        // Born 1950-01-01 plus n / 1000 days, sequence n % 1000: a million distinct valid numbers.
        var seconds = time_t(-631_152_000 + (n / 1000) * 86_400)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let body = String(format: "140105%04d%02d%02d%03d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, n % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    static func cardNumber(_ n: Int) -> String {
        try! CardNumber.withCheckCharacter(body: "B" + String(format: "%07d", n)).rawValue
    }

    static func cardId(_ n: Int) -> String { "140105D156000005" + String(format: "%016X", n) }

    /// Creates the file if it is missing or holds a different count.
    static func ensure(path: String, count: Int) throws {
        if FileManager.default.fileExists(atPath: path) {
            let existing = try Connection(path: path, options: .reader)
            let cards = try existing.queryOne("SELECT COUNT(*) FROM cards") { $0.int64(0) } ?? 0
            try existing.close()
            if cards == Int64(count) { return }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try SQLiteRegistryStore(path: path).close()  // schema through the real migrations
        let db = try Connection(path: path)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let batch = 50_000
        for start in stride(from: 0, to: count, by: batch) {
            try db.transaction {
                for n in start..<min(count, start + batch) {
                    let ssn = ssn(n)
                    try db.run("INSERT INTO holders (ssn, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                               [.text(ssn), .text("测试\(n % 100)"), .integer(now), .integer(now)])
                    try db.run("INSERT INTO applications (id, ssn, kind, stage, fee_fen, card_number, created_at, updated_at) "
                                   + "VALUES (?, ?, 'first', 'delivered', 0, ?, ?, ?)",
                               [.integer(Int64(n + 1)), .text(ssn), .text(cardNumber(n)), .integer(now), .integer(now)])
                    try db.run("INSERT INTO cards (card_number, card_id, ssn, application_id, state, updated_at) "
                                   + "VALUES (?, ?, ?, ?, 'active', ?)",
                               [.text(cardNumber(n)), .text(cardId(n)), .text(ssn), .integer(Int64(n + 1)), .integer(now)])
                }
            }
        }
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        try db.close()
    }
}
