import CSQLite
import Foundation
import SSCardValues

/// The comparisons: the same work written directly against the SQLite C API,
/// with nothing of sscard in between. They set the floor each figure is
/// measured against.
final class PlainSQLite {
    let db: OpaquePointer
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String) {
        var handle: OpaquePointer?
        precondition(sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK)
        db = handle!
        exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;")
        // The plain loop's audit rows go to a twin of the audit table (same
        // columns and indexes), so the registry's hash chain stays intact.
        exec("""
            CREATE TABLE IF NOT EXISTS plain_audit AS SELECT * FROM audit WHERE 0;
            CREATE INDEX IF NOT EXISTS plain_audit_by_card ON plain_audit(card_number) WHERE card_number IS NOT NULL;
            CREATE INDEX IF NOT EXISTS plain_audit_by_ssn ON plain_audit(ssn) WHERE ssn IS NOT NULL;
            """)
    }

    deinit { sqlite3_close_v2(db) }

    func exec(_ sql: String) {
        let rc = sqlite3_exec(db, sql, nil, nil, nil)
        precondition(rc == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    }

    func prepare(_ sql: String) -> OpaquePointer {
        var statement: OpaquePointer?
        precondition(sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
        return statement!
    }

    /// Open, set the pragmas, answer one point query: the plain cost of opening.
    static func openAndQuery(path: String, cardNumber: String) -> Double {
        seconds {
            let plain = PlainSQLite(path: path)
            let statement = plain.prepare("SELECT state FROM cards WHERE card_number = ?")
            sqlite3_bind_text(statement, 1, cardNumber, -1, transient)
            precondition(sqlite3_step(statement) == SQLITE_ROW)
            sqlite3_finalize(statement)
        }
    }

    /// Every card's status row in card-number order, read as C values on a
    /// fresh read-only connection: the plain cost of what the status cache's
    /// warm-up loads. Seconds, open included.
    static func scanStatusesSeconds(path: String, expecting rows: Int) throws -> Double {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db = handle else {
            sqlite3_close_v2(handle)
            throw BenchmarkFailure("plain scan: cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        var count = 0, sink = 0
        let elapsed = try seconds {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, "SELECT card_number, card_id, ssn, application_id, state, previous_state, loss_deadline, "
                                         + "electronic_credential, replaced_by, updated_at, "
                                         + "(SELECT name FROM holders WHERE holders.ssn = cards.ssn) FROM cards ORDER BY card_number",
                                     -1, &statement, nil) == SQLITE_OK else {
                throw BenchmarkFailure("plain scan: \(String(cString: sqlite3_errmsg(db)))")
            }
            defer { sqlite3_finalize(statement) }
            while sqlite3_step(statement) == SQLITE_ROW {
                for column in 0..<11 { sink &+= Int(sqlite3_column_bytes(statement, Int32(column))) }
                count += 1
            }
        }
        guard count == rows, sink > 0 else { throw BenchmarkFailure("plain scan read \(count) of \(rows) cards") }
        return elapsed
    }

    /// The same status query the registry runs, reading the columns as C values.
    func pointQueryNanoseconds(_ numbers: [String]) -> [Double] {
        let statement = prepare("SELECT card_number, card_id, ssn, application_id, state, previous_state, loss_deadline, "
                                    + "electronic_credential, replaced_by, updated_at, "
                                    + "(SELECT name FROM holders WHERE holders.ssn = cards.ssn) FROM cards WHERE card_number = ?")
        defer { sqlite3_finalize(statement) }
        var samples: [Double] = []
        samples.reserveCapacity(numbers.count)
        var sink = 0
        for number in numbers {
            let start = monotonicNanoseconds()
            sqlite3_bind_text(statement, 1, number, -1, Self.transient)
            precondition(sqlite3_step(statement) == SQLITE_ROW)
            for column in 0..<11 { sink &+= Int(sqlite3_column_bytes(statement, Int32(column))) }
            sqlite3_reset(statement)
            samples.append(Double(monotonicNanoseconds() - start))
        }
        precondition(sink > 0)
        return samples
    }

    /// One UPDATE and one audit INSERT per change, `perTransaction` changes per
    /// durable transaction. Returns changes per second.
    func writeLoop(numbers: [String], perTransaction: Int) -> Double {
        let update = prepare("UPDATE cards SET state = ?, previous_state = ?, loss_deadline = ?, updated_at = ? WHERE card_number = ?")
        let insert = prepare("INSERT INTO plain_audit (at, actor, role, channel, service_point, action, outcome, card_number, "
                                 + "ssn, document, old_state, new_state, prev_hash, hash) "
                                 + "VALUES (?1, 'bench', 'operator', 'counter', 'bench', 'plain', 'done', ?2, "
                                 + "?2, 'idCard', ?3, ?4, ?5, ?6)")  // ssn: a random key like the registry's
        defer {
            sqlite3_finalize(update)
            sqlite3_finalize(insert)
        }
        var generator = SeededRandom(seed: 7)
        let hash = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var lost = Set<String>()
        let elapsed = seconds {
            var index = 0
            while index < numbers.count {
                exec("BEGIN IMMEDIATE")
                for number in numbers[index..<min(numbers.count, index + perTransaction)] {
                    let toLost = !lost.contains(number)
                    if toLost { lost.insert(number) } else { lost.remove(number) }
                    let now = Int64(Date().timeIntervalSince1970 * 1000)
                    sqlite3_bind_text(update, 1, toLost ? "temporarilyLost" : "active", -1, Self.transient)
                    if toLost { sqlite3_bind_text(update, 2, "active", -1, Self.transient) } else { sqlite3_bind_null(update, 2) }
                    if toLost { sqlite3_bind_int64(update, 3, now + 7 * 86_400_000) } else { sqlite3_bind_null(update, 3) }
                    sqlite3_bind_int64(update, 4, now)
                    sqlite3_bind_text(update, 5, number, -1, Self.transient)
                    precondition(sqlite3_step(update) == SQLITE_DONE, String(cString: sqlite3_errmsg(db)))
                    sqlite3_reset(update)
                    sqlite3_bind_int64(insert, 1, now)
                    sqlite3_bind_text(insert, 2, number, -1, Self.transient)
                    sqlite3_bind_text(insert, 3, toLost ? "active" : "temporarilyLost", -1, Self.transient)
                    sqlite3_bind_text(insert, 4, toLost ? "temporarilyLost" : "active", -1, Self.transient)
                    hash.withUnsafeBytes { _ = sqlite3_bind_blob(insert, 5, $0.baseAddress, 32, Self.transient) }
                    hash.withUnsafeBytes { _ = sqlite3_bind_blob(insert, 6, $0.baseAddress, 32, Self.transient) }
                    precondition(sqlite3_step(insert) == SQLITE_DONE, String(cString: sqlite3_errmsg(db)))
                    sqlite3_reset(insert)
                }
                exec("COMMIT")
                index += perTransaction
            }
        }
        // Leave the cards as they were found.
        for number in lost {
            exec("UPDATE cards SET state = 'active', previous_state = NULL, loss_deadline = NULL WHERE card_number = '\(number)'")
        }
        return Double(numbers.count) / elapsed
    }
}
