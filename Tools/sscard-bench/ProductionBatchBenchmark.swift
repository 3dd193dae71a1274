import Foundation
import PostgreSQLStore
import Registry
import RegistryPostgreSQL
import SQLiteStore
import SSCardValues

/// A production batch of `rows` rows applied through `Registry.importBatch`
/// against a plain bulk insert of the same rows into a table of the same
/// columns, in one transaction, in the same run and on the same file system
/// (docs/benchmarks.md, "Production batch"); on SQLite and on a durable
/// private PostgreSQL. While the SQLite apply runs, a reader asks for one
/// card's status in a loop and a writer tries one application step: the
/// reads' latency and the write's wait show what counters see meanwhile.
struct ProductionBatchBenchmark {
    var rows = 100_000
    var directory = "/var/tmp"

    static let plainTable = """
        CREATE TABLE plain_batch (application_id BIGINT PRIMARY KEY, batch_id TEXT NOT NULL, card_number TEXT NOT NULL,
            card_id TEXT NOT NULL, spec_version TEXT NOT NULL, issue_date TEXT NOT NULL, expiry_date TEXT NOT NULL)
        """

    func batch() -> ProductionBatch {
        let issue = try! CalendarDate("2026-12-07"), expiry = try! CalendarDate("2036-12-07")
        return ProductionBatch(id: "bench-\(rows)", rows: (0..<rows).map { n in
            ProductionBatchRow(line: n + 2, applicant: .application(Int64(n + 1)),
                               cardNumber: CardNumber(storedValue: try! CardNumber.withCheckCharacter(
                                   body: "D" + String(format: "%07d", n)).rawValue),
                               cardId: CardIdentificationCode(storedValue: "140105D156000005" + String(format: "%016X", n + 0x1000_0000)),
                               specVersion: "3.00", issueDate: issue, expiryDate: expiry)
        })
    }

    func run() throws -> BenchmarkTable {
        var table = BenchmarkTable()
        let batch = batch()
        let parse = try parseSeconds(batch)
        log("production batch: \(rows) rows parsed from CSV in \(format(parse, 2)) s")
        let digest = try seconds { _ = ProductionBatch(id: batch.id, rows: batch.rows) }
        log("production batch: its digest (computed as the batch is built, within the parse) in \(format(digest * 1000, 0)) ms")
        try sqlite(batch, into: &table)
        try postgresql(batch, into: &table)
        return table
    }

    /// The CSV text of the batch, parsed as the daemon parses it at commit.
    func parseSeconds(_ batch: ProductionBatch) throws -> Double {
        var text = ProductionBatchCSV.header + "\n"
        for row in batch.rows {
            guard case let .application(id) = row.applicant else { continue }
            text += "\(batch.id),\(id),,\(row.cardNumber.rawValue),\(row.cardId.rawValue),3.00,2026-12-07,2036-12-07\n"
        }
        let bytes = Array(text.utf8)
        return try seconds { _ = try ProductionBatchCSV.parse(bytes) }
    }

    func sqlite(_ batch: ProductionBatch, into table: inout BenchmarkTable) throws {
        let path = directory + "/sscard-bench-batch-\(getpid()).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try SQLiteRegistryStore(path: path).close()
        let db = try Connection(path: path)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try db.transaction {
            for n in 0..<rows {
                let ssn = BulkLoad.ssn(n)
                try db.run("INSERT INTO holders (ssn, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                           [.text(ssn), .text("测试"), .integer(now), .integer(now)])
                try db.run("INSERT INTO applications (id, ssn, kind, stage, fee_fen, created_at, updated_at) "
                               + "VALUES (?, ?, 'first', ?, 0, ?, ?)",
                           [.integer(Int64(n + 1)), .text(ssn), .text("producing"), .integer(now), .integer(now)])
            }
            // One bound card for the reader probe.
            try db.run("INSERT INTO cards (card_number, card_id, ssn, state, updated_at) VALUES (?, ?, ?, 'active', ?)",
                       [.text(BulkLoad.cardNumber(0)), .text(BulkLoad.cardId(0)), .text(BulkLoad.ssn(0)), .integer(now)])
        }
        try db.execute(Self.plainTable)
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        let plain = try seconds {
            try db.transaction {
                for values in plainValues(batch) { try db.run("INSERT INTO plain_batch VALUES (?, ?, ?, ?, ?, ?, ?)", values.map(Self.sqlite)) }
            }
        }
        try db.close()

        let store = try SQLiteRegistryStore(path: path)
        defer { try? store.close() }
        let registry = Registry(store: store, servicePoint: "bench")
        let probe = Probe(registry: registry, card: CardNumber(storedValue: BulkLoad.cardNumber(0)),
                          holder: SocialSecurityNumber(storedValue: BulkLoad.ssn(0)))
        let idle = probe.readLatencies(count: 2_000)
        probe.start()
        var held: Duration = .zero
        let sscard = try seconds {
            guard case let .imported(summary) = try registry.importBatch(batch, actor: Self.actor) else {
                throw BenchmarkFailure("the batch was not imported")
            }
            held = summary.writerHeld
        }
        let (reads, writeWait) = probe.stop()
        add(&table, "SQLite", sscard: sscard, plain: plain)
        // The same rows again under another id: every row is at fault, the
        // apply is refused and the batch read row by row to name them.
        var again = batch
        again.id += "-again"
        let refused = try seconds {
            do {
                _ = try registry.importBatch(again, actor: Self.actor)
                throw BenchmarkFailure("a batch of produced applications was imported")
            } catch ProductionBatchError.rejected {}
        }
        table.add("a refused \(rows / 1000)k-row batch, every row at fault (SQLite)", sscard: "\(format(refused, 2)) s",
                  comparison: "apply \(format(sscard, 2)) s", ratio: "\(format(refused / sscard, 1))×", target: "–", met: true)
        let heldMs = Double(held.components.seconds) * 1000 + Double(held.components.attoseconds) / 1e15
        let during = Samples(reads)
        let before = Samples(idle)
        table.add("card status p99 during a \(rows / 1000)k-row apply (SQLite; \(reads.count) reads)",
                  sscard: "\(format(during.percentile(99) / 1e6, 2)) ms", comparison: "\(format(before.percentile(99) / 1e6, 2)) ms idle",
                  ratio: "\(format(during.percentile(99) / max(before.percentile(99), 1), 1))×", target: "answered", met: !reads.isEmpty)
        table.add("longest wait of a counter write during the apply (SQLite)",
                  sscard: "\(format(writeWait, 1)) s", comparison: "writer held \(format(heldMs / 1000, 1)) s",
                  ratio: "\(format(writeWait / max(heldMs / 1000, 0.001), 2))×", target: "≤ writer held", met: writeWait <= heldMs / 1000 + 0.5)
        log("production batch on SQLite: apply \(format(sscard, 2)) s (writer held \(format(heldMs, 0)) ms), plain \(format(plain, 2)) s")
    }

    func postgresql(_ batch: ProductionBatch, into table: inout BenchmarkTable) throws {
        let server = try BenchmarkPostgreSQL(under: directory)
        defer { server.stop() }
        try PostgreSQLRegistryStore(conninfo: server.conninfo, auditChain: "bench").close()
        let db = try PGConnection(conninfo: server.conninfo)
        defer { db.close() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try db.execute("BEGIN")
        for start in stride(from: 0, to: rows, by: 2_000) {
            let range = start..<min(rows, start + 2_000)
            try db.insert(range.map { n in [.text(BulkLoad.ssn(n)), .text("测试"), .integer(now), .integer(now)] },
                          into: "holders", columns: "ssn, name, created_at, updated_at")
            try db.insert(range.map { n in
                [.integer(Int64(n + 1)), .text(BulkLoad.ssn(n)), .text("first"), .text("producing"), .integer(0), .integer(now), .integer(now)]
            }, into: "applications", columns: "id, ssn, kind, stage, fee_fen, created_at, updated_at")
        }
        try db.execute("COMMIT")
        try db.execute(Self.plainTable)
        try db.execute("ANALYZE")
        let plain = try seconds {
            try db.execute("BEGIN")
            try db.insert(plainValues(batch).map { $0.map(Self.pg) }, into: "plain_batch",
                          columns: RegistryRows.producedCardColumns)
            try db.execute("COMMIT")
        }
        let store = try PostgreSQLRegistryStore(conninfo: server.conninfo, auditChain: "bench")
        defer { try? store.close() }
        let registry = Registry(store: store, servicePoint: "bench")
        let sscard = try seconds { _ = try registry.importBatch(batch, actor: Self.actor) }
        add(&table, "PostgreSQL", sscard: sscard, plain: plain)
        log("production batch on PostgreSQL: apply \(format(sscard, 2)) s, plain \(format(plain, 2)) s")
    }

    static func sqlite(_ value: ColumnValue) -> SQLiteValue {
        switch value {
        case .null: return .null
        case let .integer(number): return .integer(number)
        case let .text(text): return .text(text)
        case let .bytes(bytes): return .blob(bytes)
        }
    }

    static func pg(_ value: ColumnValue) -> PGValue {
        switch value {
        case .null: return .null
        case let .integer(number): return .integer(number)
        case let .text(text): return .text(text)
        case let .bytes(bytes): return .bytes(bytes)
        }
    }

    static let actor = Actor(id: "bench-admin", role: .admin, channel: .counter, servicePoint: "bench")

    func plainValues(_ batch: ProductionBatch) -> [[ColumnValue]] {
        batch.rows.map { row in
            guard case let .application(id) = row.applicant else { return [] }
            return RegistryRows.producedCardValues(ProducedCard(row, applicationId: id, batchId: batch.id))
        }
    }

    func add(_ table: inout BenchmarkTable, _ engine: String, sscard: Double, plain: Double) {
        let ratio = plain / sscard
        table.add("production batch, \(rows / 1000)k rows, one transaction (\(engine))",
                  sscard: "\(format(sscard, 2)) s (\(formatRate(Double(rows) / sscard)))",
                  comparison: "plain bulk insert \(format(plain, 2)) s (\(formatRate(Double(rows) / plain)))",
                  ratio: "\(format(ratio, 2))×", target: "≥ 0.5×", met: ratio >= 0.5)
    }
}

/// What a counter sees while a batch applies: a reader asking for one card's
/// status in a loop, and a counter's write every 100 ms.
final class Probe: @unchecked Sendable {
    let registry: Registry
    let card: CardNumber
    let holder: SocialSecurityNumber
    private let lock = NSLock()
    private var running = false
    private var latencies: [Double] = []
    private var writeWait = 0.0
    private let done = DispatchGroup()

    init(registry: Registry, card: CardNumber, holder: SocialSecurityNumber) {
        self.registry = registry
        self.card = card
        self.holder = holder
    }

    func readLatencies(count: Int) -> [Double] {
        (0..<count).map { _ in
            let start = monotonicNanoseconds()
            _ = try? registry.status(of: card)
            return Double(monotonicNanoseconds() - start)
        }
    }

    func start() {
        running = true
        DispatchQueue.global().async(group: done) {
            while self.lock.withLock({ self.running }) {
                let start = monotonicNanoseconds()
                _ = try? self.registry.status(of: self.card)
                let took = Double(monotonicNanoseconds() - start)
                self.lock.withLock { self.latencies.append(took) }
                usleep(1_000)
            }
        }
        // A counter's write every 100 ms through the apply: the longest wait is
        // what a loss report at a counter would meet.
        DispatchQueue.global().async(group: done) {
            var phone = 0
            while self.lock.withLock({ self.running }) {
                phone += 1
                let took = (try? seconds {
                    _ = try self.registry.updateHolder(ssn: self.holder, phone: "1380000\(String(format: "%04d", phone))",
                                                       address: nil, actor: ProductionBatchBenchmark.actor,
                                                       evidence: Evidence(document: .idCard))
                }) ?? -1
                self.lock.withLock { self.writeWait = max(self.writeWait, took) }
                usleep(100_000)
            }
        }
    }

    func stop() -> (reads: [Double], writeWait: Double) {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { (latencies, writeWait) }
    }
}
