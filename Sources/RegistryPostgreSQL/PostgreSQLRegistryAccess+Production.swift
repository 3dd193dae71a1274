import PostgreSQLStore
import Registry
import SSCardValues

/// Production batches on PostgreSQL. The apply is multi-row INSERTs (the
/// keys refuse a taken application, card number or chip), one count of the
/// batch's applications still `producing` and one look for its cards among
/// the cards: a 100,000-row batch takes a few dozen round trips. Nothing
/// row-locks the applications — neither a lock first nor foreign keys,
/// whose checks lock each parent row (migration "0008-batch-seal" drops
/// them) — since a batch never writes an application's row: an application
/// a counter moves on meanwhile keeps the counter's stage, and its produced
/// card stays unused. Naming the rows of a refused batch asks one statement
/// over an array of keys (`= ANY($1)`) per chunk.
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

    func productionBatchIds() throws -> [String] {
        try db.query("SELECT batch_id FROM production_batches ORDER BY batch_id").map { $0.string(0) ?? "" }
    }

    func producedCards(inBatch batchId: String) throws -> [ProducedCard] {
        try db.query("SELECT \(RegistryRows.producedCardColumns) FROM produced_cards WHERE batch_id = $1 ORDER BY application_id",
                     [.text(batchId)]).map(RegistryRows.producedCard)
    }

    static let batchEntryColumns = auditColumns.split(separator: ",")
        .map { "e." + $0.filter { !$0.isWhitespace } }.joined(separator: ", ") + ", p.application_id, p.card_number, a.ssn"

    func batchEntries(cardNumber: CardNumber?, ssn: SocialSecurityNumber?, limit: Int) throws -> [AuditEntry] {
        let condition: String, keys: [PGValue]
        switch (cardNumber, ssn) {
        case let (card?, nil): (condition, keys) = ("p.card_number = $1", [.text(card.rawValue)])
        case let (nil, ssn?): (condition, keys) = ("a.ssn = $1", [.text(ssn.rawValue)])
        case let (card?, ssn?):
            // Two indexed look-ups: one OR across both tables would scan the applications.
            return RegistryRows.merged(try batchEntries(cardNumber: card, ssn: nil, limit: limit),
                                       try batchEntries(cardNumber: nil, ssn: ssn, limit: limit), limit: limit)
        case (nil, nil): return []
        }
        let select = "SELECT \(Self.batchEntryColumns) FROM produced_cards p JOIN applications a ON a.id = p.application_id "
            + "JOIN production_batches b ON b.batch_id = p.batch_id JOIN audit e ON \(RegistryRows.batchEntryJoin) "
            + "WHERE \(condition) ORDER BY e.id LIMIT $\(keys.count + 1)"
        return try db.query(select, keys + [.integer(Int64(limit))]).map { row in
            RegistryRows.batchEntry(try PGRowDecoding.auditEntry(row), row, extra: 21)
        }
    }

    func insert(_ batch: ProductionBatchRecord, cards: [ProducedCard], at time: Timestamp) throws {
        try db.query("INSERT INTO production_batches (\(RegistryRows.productionBatchColumns)) VALUES ($1, $2, $3, $4, $5, $6)",
                     RegistryRows.productionBatchValues(batch).map(PGValue.init))
        do {
            try db.insert(cards.map { RegistryRows.producedCardValues($0).map(PGValue.init) }, into: "produced_cards",
                          columns: RegistryRows.producedCardColumns)
        } catch {
            // A taken application, card number or chip (a concurrent batch's
            // only once it committed), or an unknown application.
            guard error.kind == .server, error.sqlState?.hasPrefix("23") == true else { throw error }
            // The first line only: the server's DETAIL line quotes the key's value.
            throw BatchRowsRefused(String(error.message.prefix { $0 != "\n" }))
        }
        let producing = try db.queryOne("SELECT count(*) FROM produced_cards p JOIN applications a ON a.id = p.application_id "
                                            + "WHERE p.batch_id = $1 AND a.stage = 'producing' AND a.card_number IS NULL",
                                        [.text(batch.id)]) { $0.int64(0) ?? 0 } ?? 0
        guard producing == Int64(cards.count) else {
            throw BatchRowsRefused("\(Int64(cards.count) - producing) application(s) not producing or already given a card")
        }
        let meets = try db.queryOne("SELECT EXISTS (SELECT 1 FROM produced_cards p JOIN cards c ON c.card_number = p.card_number "
                                        + "WHERE p.batch_id = $1) OR EXISTS (SELECT 1 FROM produced_cards p "
                                        + "JOIN cards c ON c.card_id = p.card_id WHERE p.batch_id = $1)",
                                    [.text(batch.id)]) { $0.string(0) }
        guard meets == "f" else { throw BatchRowsRefused("a card number or chip among the registry's cards") }
    }

    static func chunks(_ values: [String]) -> [[String]] {
        stride(from: 0, to: values.count, by: chunk).map { Array(values[$0..<min(values.count, $0 + chunk)]) }
    }
}
