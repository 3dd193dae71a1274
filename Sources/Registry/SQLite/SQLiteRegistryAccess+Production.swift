import SQLiteStore
import SSCardValues

/// Production batches on SQLite. The apply is one INSERT a row (prepared
/// once; the keys refuse a taken application, card number or chip) and
/// two statements for the batch: the count of its applications still
/// `producing` and the look for its cards among the cards. The row-by-row questions — one key a statement,
/// in-process a lookup costs microseconds — serve only to name the rows of
/// a refused batch.
extension SQLiteRegistryAccess {
    static let selectBatch = "SELECT \(RegistryRows.productionBatchColumns) FROM production_batches WHERE batch_id = ?"
    static let selectProducedCard = "SELECT \(RegistryRows.producedCardColumns) FROM produced_cards WHERE application_id = ?"
    static let selectOpenApplication = "SELECT \(SQLiteRegistryAccess.applicationColumns) FROM applications "
        + "WHERE ssn = ? AND stage <> 'rejected' AND card_number IS NULL ORDER BY id DESC LIMIT 1"
    static let selectKnownCardNumber = "SELECT EXISTS (SELECT 1 FROM cards WHERE card_number = ?1) "
        + "OR EXISTS (SELECT 1 FROM produced_cards WHERE card_number = ?1)"
    static let selectKnownChipId = "SELECT EXISTS (SELECT 1 FROM cards WHERE card_id = ?1) "
        + "OR EXISTS (SELECT 1 FROM produced_cards WHERE card_id = ?1)"
    static let selectProducedApplication = "SELECT 1 FROM produced_cards WHERE application_id = ?"
    static let insertBatch = "INSERT INTO production_batches (\(RegistryRows.productionBatchColumns)) VALUES (?, ?, ?, ?, ?, ?)"
    static let insertProducedCard = "INSERT INTO produced_cards (\(RegistryRows.producedCardColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)"
    /// Driven by the batch's index: the `+` keeps SQLite from starting at
    /// the applications without a card instead (the whole open backlog).
    static let countBatchProducing = "SELECT count(*) FROM produced_cards p JOIN applications a ON a.id = p.application_id "
        + "WHERE p.batch_id = ? AND +a.stage = 'producing' AND +a.card_number IS NULL"
    static let selectBatchMeetsCards = "SELECT EXISTS (SELECT 1 FROM produced_cards p JOIN cards c ON c.card_number = p.card_number "
        + "WHERE p.batch_id = ?1) OR EXISTS (SELECT 1 FROM produced_cards p JOIN cards c ON c.card_id = p.card_id WHERE p.batch_id = ?1)"
    static let selectProducedCardsOfBatch = "SELECT \(RegistryRows.producedCardColumns) FROM produced_cards WHERE batch_id = ? "
        + "ORDER BY application_id"
    static let batchEntryColumns = SQLiteRegistryAccess.auditColumns.split(separator: ",")
        .map { "e." + $0.filter { !$0.isWhitespace } }.joined(separator: ", ") + ", p.application_id, p.card_number, a.ssn"
    static let selectBatchEntries = "SELECT \(batchEntryColumns) FROM produced_cards p "
        + "JOIN applications a ON a.id = p.application_id JOIN production_batches b ON b.batch_id = p.batch_id "
        + "JOIN audit e ON \(RegistryRows.batchEntryJoin) WHERE "
    static let selectBatchEntriesOfCard = selectBatchEntries + "p.card_number = ? ORDER BY e.seq LIMIT ?"
    static let selectBatchEntriesOfHolder = selectBatchEntries + "a.ssn = ? ORDER BY e.seq LIMIT ?"

    func productionBatch(_ id: String) throws -> ProductionBatchRecord? {
        try db.queryOne(Self.selectBatch, [.text(id)], RegistryRows.productionBatch)
    }

    func producedCard(applicationId: Int64) throws -> ProducedCard? {
        try db.queryOne(Self.selectProducedCard, [.integer(applicationId)], RegistryRows.producedCard)
    }

    func applications(ids: [Int64]) throws -> [Int64: Application] {
        var found: [Int64: Application] = [:]
        for id in ids {
            if let application = try application(id) { found[id] = application }
        }
        return found
    }

    func openApplications(ssns: [SocialSecurityNumber]) throws -> [SocialSecurityNumber: Application] {
        var found: [SocialSecurityNumber: Application] = [:]
        for ssn in ssns {
            if let application = try db.queryOne(Self.selectOpenApplication, [.text(ssn.rawValue)], RowDecoding.application) {
                found[ssn] = application
            }
        }
        return found
    }

    func knownCardNumbers(_ numbers: [CardNumber]) throws -> Set<CardNumber> {
        var known: Set<CardNumber> = []
        for number in numbers where try db.queryOne(Self.selectKnownCardNumber, [.text(number.rawValue)], { $0.int64(0) }) == 1 {
            known.insert(number)
        }
        return known
    }

    func knownChipIds(_ chipIds: [CardIdentificationCode]) throws -> Set<CardIdentificationCode> {
        var known: Set<CardIdentificationCode> = []
        for chip in chipIds where try db.queryOne(Self.selectKnownChipId, [.text(chip.rawValue)], { $0.int64(0) }) == 1 {
            known.insert(chip)
        }
        return known
    }

    func producedApplications(_ applicationIds: [Int64]) throws -> Set<Int64> {
        var produced: Set<Int64> = []
        for id in applicationIds where try db.queryOne(Self.selectProducedApplication, [.integer(id)], { _ in true }) == true {
            produced.insert(id)
        }
        return produced
    }

    func productionBatchIds() throws -> [String] {
        try db.queryAll("SELECT batch_id FROM production_batches ORDER BY batch_id", []) { $0.string(0) ?? "" }
    }

    func producedCards(inBatch batchId: String) throws -> [ProducedCard] {
        var cards: [ProducedCard] = []
        try db.query(Self.selectProducedCardsOfBatch, [.text(batchId)]) { cards.append(try RegistryRows.producedCard($0)) }
        return cards
    }

    func batchEntries(cardNumber: CardNumber?, ssn: SocialSecurityNumber?, limit: Int) throws -> [AuditEntry] {
        let statement: String, keys: [SQLiteValue]
        switch (cardNumber, ssn) {
        case let (card?, nil): (statement, keys) = (Self.selectBatchEntriesOfCard, [.text(card.rawValue)])
        case let (nil, ssn?): (statement, keys) = (Self.selectBatchEntriesOfHolder, [.text(ssn.rawValue)])
        case let (card?, ssn?):
            // Two indexed look-ups: one OR across both tables would scan the applications.
            return RegistryRows.merged(try batchEntries(cardNumber: card, ssn: nil, limit: limit),
                                       try batchEntries(cardNumber: nil, ssn: ssn, limit: limit), limit: limit)
        case (nil, nil): return []
        }
        var entries: [AuditEntry] = []
        try db.query(statement, keys + [.integer(Int64(limit))]) { row in
            entries.append(RegistryRows.batchEntry(try RowDecoding.auditEntry(row), row, extra: 20))
        }
        return entries
    }

    func insert(_ batch: ProductionBatchRecord, cards: [ProducedCard], at time: Timestamp) throws {
        try db.run(Self.insertBatch, RegistryRows.productionBatchValues(batch).map(SQLiteValue.init))
        for card in cards {
            do {
                try db.run(Self.insertProducedCard, RegistryRows.producedCardValues(card).map(SQLiteValue.init))
            } catch {
                // A taken application, card number or chip, or an unknown application.
                guard error.code == .constraint else { throw error }
                throw BatchRowsRefused(error.message)
            }
        }
        let producing = try db.queryOne(Self.countBatchProducing, [.text(batch.id)]) { $0.int64(0) ?? 0 } ?? 0
        guard producing == Int64(cards.count) else {
            throw BatchRowsRefused("\(Int64(cards.count) - producing) application(s) not producing or already given a card")
        }
        guard try db.queryOne(Self.selectBatchMeetsCards, [.text(batch.id)], { $0.int64(0) }) == 0 else {
            throw BatchRowsRefused("a card number or chip among the registry's cards")
        }
    }
}
