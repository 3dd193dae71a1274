import SQLiteStore
import SSCardValues

/// Production batches on SQLite: one key a statement, each statement
/// prepared once (the connection's cache) — in-process, a lookup costs
/// microseconds, so there is nothing to gain from building IN lists.
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
    static let insertBatch = "INSERT INTO production_batches (\(RegistryRows.productionBatchColumns)) VALUES (?, ?, ?, ?, ?)"
    static let insertProducedCard = "INSERT INTO produced_cards (\(RegistryRows.producedCardColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)"
    static let markProduced = "UPDATE applications SET stage = 'produced', updated_at = ? WHERE id = ? AND stage = 'producing'"

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

    func insert(_ batch: ProductionBatchRecord, cards: [ProducedCard], at time: Timestamp) throws {
        try db.run(Self.insertBatch, RegistryRows.productionBatchValues(batch).map(SQLiteValue.init))
        for card in cards {
            try db.run(Self.insertProducedCard, RegistryRows.producedCardValues(card).map(SQLiteValue.init))
            try db.run(Self.markProduced, [.integer(time.milliseconds), .integer(card.applicationId)])
            guard db.changes == 1 else {
                throw SQLiteRegistryAccess.StageChanged(applicationId: card.applicationId)
            }
        }
    }

    /// An application left `producing` between the checks and the update:
    /// impossible under SQLite's one writer, and refused rather than assumed.
    struct StageChanged: Error, CustomStringConvertible {
        var applicationId: Int64
        var description: String { "application \(applicationId) left the producing stage during the batch" }
    }
}
