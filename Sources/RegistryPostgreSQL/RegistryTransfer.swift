import Foundation
import PostgreSQLStore
import Registry
import SQLiteStore
import SSCardValues

/// Moves one service point's SQLite registry into an empty PostgreSQL
/// registry, audit trail included, and proves the copy
/// (`sscard-migrate-registry`, docs/scale.md).
///
/// The source is opened as sscardd opens it, with the full check (every page
/// and the whole chain): a broken source is refused before anything is
/// written. The copy is one transaction on the target, with the target's
/// tables locked and found empty inside it: a failure, or a target that is
/// not empty, leaves the target as it was. The SQLite chain ("") becomes the
/// service point's chain with its sequences and hashes unchanged (the chain's
/// name is not hashed), and the chain's head row is set to its last entry.
/// Then the verification reads both sides again: the row counts, every row
/// column by column, and both trails verified end to end.
public struct RegistryTransfer {
    public let sourcePath: String
    public let conninfo: String
    /// The chain the entries go to: the service point's name.
    public let chain: String
    /// The source's audit key, when its chain is keyed: the copy keeps the
    /// MACs as they are, and both sides are verified with it.
    public let auditKey: AuditKey?

    /// What was copied and checked.
    public struct Report: Equatable, Sendable {
        public var holders = 0
        public var applications = 0
        public var cards = 0
        public var productionBatches = 0
        public var producedCards = 0
        /// Cards with a pending temporary-loss deadline.
        public var deadlines = 0
        public var auditEntries = 0
        public var chain = ""
    }

    public init(sourcePath: String, conninfo: String, chain: String, auditKey: AuditKey? = nil) {
        self.sourcePath = sourcePath
        self.conninfo = conninfo
        self.chain = chain
        self.auditKey = auditKey
    }

    /// The copied tables: name, columns in both engines' order, and the key that orders them.
    static let tables: [(name: String, columns: String, key: String)] = [
        ("holders", "ssn, name, phone, address, guardian_ssn, created_at, updated_at", "ssn"),
        ("applications", "id, ssn, kind, replaces_card, replacement_reason, stage, fee_fen, rejection_reason, "
            + "card_number, created_at, updated_at, fee_settlement, new_name, channel, expected_date, delivery", "id"),
        ("cards", "card_number, card_id, ssn, application_id, state, previous_state, loss_deadline, "
            + "electronic_credential, replaced_by, updated_at, generation, bank_function, chip_blocked", "card_number"),
        // Production batches (migration 0006): the batches, then their cards' data.
        ("production_batches", RegistryRows.productionBatchColumns, "batch_id"),
        ("produced_cards", RegistryRows.producedCardColumns, "application_id"),
        ("audit", "seq, at, actor, role, channel, service_point, action, outcome, card_number, ssn, application_id, "
            + "document, proxy_ssn, old_state, new_state, reason, detail, prev_hash, hash, keyed", "seq"),
    ]

    /// The service point a SQLite registry's trail names, when it names exactly one.
    public static func servicePoint(ofSQLiteRegistry path: String) throws -> String {
        let source = try openSource(path)
        defer { try? source.close() }
        var names: [String] = []
        try source.query("SELECT DISTINCT service_point FROM audit ORDER BY service_point LIMIT 3") { names.append($0.string(0) ?? "") }
        guard names.count == 1 else {
            throw TransferError.servicePointUnknown(names)
        }
        return names[0]
    }

    /// Checks the source, copies, verifies; returns what was copied.
    public func run() throws -> Report {
        guard !chain.isEmpty else { throw TransferError.servicePointUnknown([]) }
        let sourceStore: SQLiteRegistryStore
        do {
            sourceStore = try SQLiteRegistryStore(path: sourcePath, integrityCheck: .full, auditKey: auditKey)
        } catch {
            throw TransferError.sourceUnusable(sourcePath, String(describing: error))
        }
        try? sourceStore.close()
        let source = try Self.openSource(sourcePath)
        defer { try? source.close() }
        let masked = (try? PGConninfo(conninfo).masked) ?? "(unparsable connection string)"
        let target: PostgreSQLRegistryStore
        do {
            var options = PostgreSQLRegistryStore.Options()
            options.auditKey = auditKey
            target = try PostgreSQLRegistryStore(conninfo: conninfo, auditChain: chain, options: options)
        } catch {
            throw TransferError.targetUnusable(masked, String(describing: error))
        }
        defer { try? target.close() }
        try copy(from: source, to: target)
        return try verify(source: source, target: target)
    }

    static func openSource(_ path: String) throws -> Connection {
        guard FileManager.default.fileExists(atPath: path) else { throw TransferError.sourceUnusable(path, "no such file") }
        var options = Connection.Options.reader
        options.create = false
        do {
            return try Connection(path: path, options: options)
        } catch {
            throw TransferError.sourceUnusable(path, String(describing: error))
        }
    }

    /// Every row of a source table in key order, as libpq parameters.
    static func rows(_ source: Connection, _ table: (name: String, columns: String, key: String)) throws -> [[PGValue]] {
        var rows: [[PGValue]] = []
        try source.query("SELECT \(table.columns) FROM \(table.name) ORDER BY \(table.key)") { row in
            rows.append((0..<row.count).map { PGValue(row[$0]) })
        }
        return rows
    }

    private func copy(from source: Connection, to target: PostgreSQLRegistryStore) throws {
        try target.pool.transaction { connection in
            // Nobody else writes while we look and copy; then empty means empty at commit.
            try connection.execute("LOCK TABLE holders, applications, cards, production_batches, produced_cards, audit, audit_chains "
                                       + "IN EXCLUSIVE MODE")
            for table in ["holders", "applications", "cards", "production_batches", "produced_cards", "audit", "audit_chains"] {
                let count = try connection.queryOne("SELECT count(*) FROM \(table)") { $0.int64(0) ?? 0 } ?? 0
                if count > 0 { throw TransferError.targetNotEmpty(table: table, rows: Int(count)) }
            }
            for table in Self.tables {
                let rows = try Self.rows(source, table)
                let columns = table.name == "audit" ? "chain, " + table.columns : table.columns
                let values = table.name == "audit" ? rows.map { [PGValue.text(chain)] + $0 } : rows
                try connection.insert(values, into: table.name, columns: columns)
            }
            // Identity columns continue after the copied ids.
            try connection.execute("SELECT setval(pg_get_serial_sequence('applications', 'id'), "
                                       + "GREATEST((SELECT max(id) FROM applications), 1))")
            try connection.query("INSERT INTO audit_chains (chain, last_seq, last_hash) "
                                     + "SELECT chain, seq, hash FROM audit WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
                                 [.text(chain)])
        }
    }

    /// Both sides again, after the commit: counts, every row, both chains.
    private func verify(source: Connection, target: PostgreSQLRegistryStore) throws -> Report {
        var report = Report(chain: chain)
        try target.pool.transaction(.repeatableRead, readOnly: true) { connection in
            for table in Self.tables {
                let expected = try Self.rows(source, table).map { $0.map(\.wireText) }
                let select = table.name == "audit"
                    ? "SELECT \(table.columns) FROM audit WHERE chain = $1 ORDER BY seq"
                    : "SELECT \(table.columns) FROM \(table.name) ORDER BY \(table.key)"
                let copied = try connection.query(select, table.name == "audit" ? [.text(chain)] : []).map(\.values)
                let total = try connection.queryOne("SELECT count(*) FROM \(table.name)") { $0.int64(0) ?? 0 } ?? 0
                guard copied.count == expected.count, total == Int64(expected.count) else {
                    throw TransferError.verificationFailed("\(table.name): \(expected.count) rows in the source, \(total) in the target")
                }
                // Text keys sort alike in both (the rig and the documented setup use the C collation;
                // otherwise compare by key).
                let byKey = Dictionary(copied.map { ($0[0] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
                for row in expected where byKey[row[0] ?? ""] != row {
                    throw TransferError.verificationFailed("\(table.name) row \(table.key)=\(Self.shownKey(table.name, row[0])) differs")
                }
                switch table.name {
                case "holders": report.holders = expected.count
                case "applications": report.applications = expected.count
                case "cards":
                    report.cards = expected.count
                    report.deadlines = expected.filter { $0[6] != nil }.count
                case "production_batches": report.productionBatches = expected.count
                case "produced_cards": report.producedCards = expected.count
                default: report.auditEntries = expected.count
                }
            }
            let head = try connection.queryOne("SELECT last_seq FROM audit_chains WHERE chain = $1", [.text(chain)]) {
                $0.int64(0) ?? 0
            } ?? 0
            guard head == Int64(report.auditEntries) else {
                throw TransferError.verificationFailed("chain head says \(head), \(report.auditEntries) entries copied")
            }
        }
        let sourceTrail = try SQLiteRegistryStore(path: sourcePath, integrityCheck: .full, auditKey: auditKey)
        defer { try? sourceTrail.close() }
        let before = try sourceTrail.read(snapshot: true) { try AuditTrail.verify($0) }
        let after = try target.read(snapshot: true) { try AuditTrail.verify($0) }
        guard before.isIntact, after.isIntact, after.entriesChecked == report.auditEntries,
              before.entriesChecked == report.auditEntries else {
            throw TransferError.verificationFailed("audit trails: source \(before.entriesChecked) entries "
                                                       + "(\(before.problem ?? "intact")), target \(after.entriesChecked) "
                                                       + "(\(after.problem ?? "intact"))")
        }
        return report
    }

    /// A key fit for a message: social security numbers masked.
    static func shownKey(_ table: String, _ key: String?) -> String {
        guard let key else { return "NULL" }
        guard table == "holders", key.count > 8 else { return key }
        return PersonalData.maskSSN(key)
    }
}

/// Why a transfer stopped. The target is unchanged in every case but
/// `verificationFailed` (the copy committed, and does not match).
public enum TransferError: Error, Equatable, CustomStringConvertible {
    case sourceUnusable(String, String)
    case targetUnusable(String, String)
    case targetNotEmpty(table: String, rows: Int)
    case servicePointUnknown([String])
    case verificationFailed(String)

    public var description: String {
        switch self {
        case let .sourceUnusable(path, reason): return "source registry \(path): \(reason)"
        case let .targetUnusable(target, reason): return "target registry \(target): \(reason)"
        case let .targetNotEmpty(table, rows):
            return "the target registry is not empty (\(table) has \(rows) rows): refusing to copy into it"
        case let .servicePointUnknown(names):
            return names.isEmpty
                ? "no service point to name the audit chain after: give --service-point"
                : "the source's trail names several service points (\(names.joined(separator: ", "))): give --service-point"
        case let .verificationFailed(what): return "the copy does not match the source: \(what)"
        }
    }
}

extension PGValue {
    init(_ value: SQLiteValue) {
        switch value {
        case .null: self = .null
        case let .integer(number): self = .integer(number)
        case let .real(number): self = .text(String(number))
        case let .text(text): self = .text(text)
        case let .blob(bytes): self = .bytes(bytes)
        }
    }
}
