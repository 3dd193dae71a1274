import SSCardValues

/// Production batches' rows, for every engine (tables of migration "0006-production-batches").
extension RegistryRows {
    public static let producedCardColumns = "application_id, batch_id, card_number, card_id, spec_version, issue_date, expiry_date"
    public static let productionBatchColumns = "batch_id, digest, row_count, imported_at, imported_by"

    public static func producedCard(_ row: some StoredRow) throws -> ProducedCard {
        guard let issue = try? CalendarDate(row.string(5) ?? ""), let expiry = try? CalendarDate(row.string(6) ?? "") else {
            throw CorruptRow(table: "produced_cards", column: "issue_date")
        }
        return ProducedCard(applicationId: row.int64(0) ?? 0, batchId: row.string(1) ?? "",
                            cardNumber: CardNumber(storedValue: row.string(2) ?? ""),
                            cardId: CardIdentificationCode(storedValue: row.string(3) ?? ""),
                            specVersion: row.string(4) ?? "", issueDate: issue, expiryDate: expiry)
    }

    public static func producedCardValues(_ card: ProducedCard) -> [ColumnValue] {
        [.integer(card.applicationId), .text(card.batchId), .text(card.cardNumber.rawValue), .text(card.cardId.rawValue),
         .text(card.specVersion), .text(card.issueDate.description), .text(card.expiryDate.description)]
    }

    public static func productionBatch(_ row: some StoredRow) -> ProductionBatchRecord {
        ProductionBatchRecord(id: row.string(0) ?? "", digest: row.string(1) ?? "", rowCount: Int(row.int64(2) ?? 0),
                              importedAt: Timestamp(milliseconds: row.int64(3) ?? 0), importedBy: row.string(4) ?? "")
    }

    public static func productionBatchValues(_ batch: ProductionBatchRecord) -> [ColumnValue] {
        [.text(batch.id), .text(batch.digest), .integer(Int64(batch.rowCount)), .integer(batch.importedAt.milliseconds),
         .text(batch.importedBy)]
    }
}
