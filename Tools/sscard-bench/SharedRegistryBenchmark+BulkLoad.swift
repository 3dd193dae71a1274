import Foundation
import PostgreSQLStore
import RegistryPostgreSQL

extension SharedRegistryBenchmark {
    /// The registry's schema through the real migrations, then `cards`
    /// holders, delivered applications and active cards in multi-row
    /// INSERTs, as a production import would; then ANALYZE.
    static func loadPostgreSQL(conninfo: String, cards: Int) throws {
        try PostgreSQLRegistryStore(conninfo: conninfo, auditChain: "bench-load").close()
        let db = try PGConnection(conninfo: conninfo)
        defer { db.close() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let batch = 2_000
        try db.execute("BEGIN")
        for start in stride(from: 0, to: cards, by: batch) {
            let range = start..<min(cards, start + batch)
            try db.insert(range.map { n in
                [.text(BulkLoad.ssn(n)), .text("测试\(n % 100)"), .integer(now), .integer(now)]
            }, into: "holders", columns: "ssn, name, created_at, updated_at")
            try db.insert(range.map { n in
                [.integer(Int64(n + 1)), .text(BulkLoad.ssn(n)), .text("first"), .text("delivered"), .integer(0),
                 .text(BulkLoad.cardNumber(n)), .integer(now), .integer(now)]
            }, into: "applications", columns: "id, ssn, kind, stage, fee_fen, card_number, created_at, updated_at")
            try db.insert(range.map { n in
                [.text(BulkLoad.cardNumber(n)), .text(BulkLoad.cardId(n)), .text(BulkLoad.ssn(n)), .integer(Int64(n + 1)),
                 .text("active"), .integer(now)]
            }, into: "cards", columns: "card_number, card_id, ssn, application_id, state, updated_at")
        }
        try db.execute("SELECT setval(pg_get_serial_sequence('applications', 'id'), \(cards + 1))")
        try db.execute("COMMIT")
        try db.execute("ANALYZE")
    }
}
