import PostgreSQLStore
import Registry
import SSCardValues

/// Production batches on PostgreSQL: each question about a batch's keys is
/// one statement over an array of them (`= ANY($1)`), in chunks, and the
/// rows go in as multi-row INSERTs — a 100,000-row batch takes a few dozen
/// round trips instead of half a million. The applications are read without
/// row locks — locking 100,000 rows writes every one of them once more — and
/// the update checks instead: it moves only applications still `producing`,
/// and a count short of the batch (another daemon moved one meanwhile) rolls
/// the whole batch back.
extension PostgreSQLRegistryAccess {
    static let chunk = 10_000

    func productionBatch(_ id: String) throws -> ProductionBatchRecord? {
        try db.queryOne("SELECT \(RegistryRows.productionBatchColumns) FROM production_batches WHERE batch_id = $1",
                        [.text(id)], RegistryRows.productionBatch)
    }

    func producedCard(applicationId: Int64) throws -> ProducedCard? {
        try db.queryOne("SELECT \(RegistryRows.producedCardColumns) FROM produced_cards WHERE application_id = $1",
                        [.integer(applicationId)], RegistryRows.producedCard)
    }

    func applications(ids: [Int64]) throws -> [Int64: Application] {
        var found: [Int64: Application] = [:]
        for part in Self.chunks(ids.map(String.init)) {
            for row in try db.query("SELECT \(Self.applicationColumns) FROM applications WHERE id = ANY($1::bigint[]) "
                                        + "ORDER BY id", [.text(Self.arrayLiteral(part))]) {
                let application = try PGRowDecoding.application(row)
                found[application.id] = application
            }
        }
        return found
    }

    func openApplications(ssns: [SocialSecurityNumber]) throws -> [SocialSecurityNumber: Application] {
        var found: [SocialSecurityNumber: Application] = [:]
        for part in Self.chunks(ssns.map(\.rawValue)) {
            let rows = try db.query("SELECT \(Self.applicationColumns) FROM applications WHERE ssn = ANY($1::text[]) "
                                        + "AND stage <> 'rejected' AND card_number IS NULL ORDER BY id",
                                    [.text(Self.arrayLiteral(part, quoted: true))])
            // Ordered by id: the newest open application of a holder is the one kept.
            for row in rows {
                let application = try PGRowDecoding.application(row)
                found[application.ssn] = application
            }
        }
        return found
    }

    func knownCardNumbers(_ numbers: [CardNumber]) throws -> Set<CardNumber> {
        try known(numbers.map(\.rawValue), column: "card_number").reduce(into: []) { $0.insert(CardNumber(storedValue: $1)) }
    }

    func knownChipIds(_ chipIds: [CardIdentificationCode]) throws -> Set<CardIdentificationCode> {
        try known(chipIds.map(\.rawValue), column: "card_id").reduce(into: []) {
            $0.insert(CardIdentificationCode(storedValue: $1))
        }
    }

    func producedApplications(_ applicationIds: [Int64]) throws -> Set<Int64> {
        var produced: Set<Int64> = []
        for part in Self.chunks(applicationIds.map(String.init)) {
            for row in try db.query("SELECT application_id FROM produced_cards WHERE application_id = ANY($1::bigint[])",
                                    [.text(Self.arrayLiteral(part))]) {
                if let id = row.int64(0) { produced.insert(id) }
            }
        }
        return produced
    }

    /// Those of `values` in `column` of cards or of produced cards.
    private func known(_ values: [String], column: String) throws -> Set<String> {
        var known: Set<String> = []
        for part in Self.chunks(values) {
            let array = PGValue.text(Self.arrayLiteral(part, quoted: true))
            for table in ["cards", "produced_cards"] {
                for row in try db.query("SELECT \(column) FROM \(table) WHERE \(column) = ANY($1::text[])", [array]) {
                    if let value = row.string(0) { known.insert(value) }
                }
            }
        }
        return known
    }

    func insert(_ batch: ProductionBatchRecord, cards: [ProducedCard], at time: Timestamp) throws {
        try db.query("INSERT INTO production_batches (\(RegistryRows.productionBatchColumns)) VALUES ($1, $2, $3, $4, $5)",
                     RegistryRows.productionBatchValues(batch).map(PGValue.init))
        try db.insert(cards.map { RegistryRows.producedCardValues($0).map(PGValue.init) }, into: "produced_cards",
                      columns: RegistryRows.producedCardColumns)
        for part in Self.chunks(cards.map { String($0.applicationId) }) {
            let updated = try db.query("UPDATE applications SET stage = 'produced', updated_at = $1 "
                                           + "WHERE id = ANY($2::bigint[]) AND stage = 'producing' RETURNING id",
                                       [.integer(time.milliseconds), .text(Self.arrayLiteral(part))])
            guard updated.count == part.count else {
                throw PostgreSQLError(kind: .misuse, message: "an application left the producing stage during the batch")
            }
        }
    }

    /// Entries in multi-row INSERTs, the chain's head moved once, and one
    /// notification for the last (the other daemons fetch what they missed).
    func append(contentsOf entries: [AuditEntry]) throws {
        guard let last = entries.last else { return }
        guard entries.count > 1 else { return try append(last) }
        try db.insert(entries.map(PGRowDecoding.auditValues), into: "audit", columns: Self.auditColumns, rowsPerStatement: 200)
        let upsert = "INSERT INTO audit_chains (chain, last_seq, last_hash) VALUES ($1, $2, $3) ON CONFLICT (chain) "
            + "DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash RETURNING pg_notify($4, $5)"
        try db.query(upsert, [.text(last.chain), .integer(last.sequence), .bytes(last.hash), .text(RegistryChangeFeed.channel),
                              .text(RegistryChangeFeed.payload(origin: origin, chain: last.chain, sequence: last.sequence))])
        if last.chain == auditChain && chainHead.locked { chainHead.link = (last.sequence, last.hash) }
    }

    static func chunks(_ values: [String]) -> [[String]] {
        stride(from: 0, to: values.count, by: chunk).map { Array(values[$0..<min(values.count, $0 + chunk)]) }
    }
}
