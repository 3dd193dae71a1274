import SSCardValues

/// Production batches' rows, for every engine (tables of migrations
/// "0006-production-batches" and "0008-batch-seal").
extension RegistryRows {
    /// An application's stage as the registry reports it, for the row of
    /// `applications` named `table`: `produced` once a batch delivered its
    /// card data while the stage the counter set is still `producing`.
    ///
    /// A batch records production in its produced cards and leaves the
    /// applications' rows alone: rewriting 100,000 of them (and their four
    /// indexes) cost more than the rest of the apply together, on both
    /// engines. The stage column moves on explicitly at the next step.
    public static func applicationStage(_ table: String) -> String {
        "CASE WHEN \(table).stage = 'producing' AND EXISTS (SELECT 1 FROM produced_cards pc "
            + "WHERE pc.application_id = \(table).id) THEN 'produced' ELSE \(table).stage END"
    }

    public static let producedCardColumns = "application_id, batch_id, card_number, card_id, spec_version, issue_date, expiry_date"
    public static let productionBatchColumns = "batch_id, digest, row_count, imported_at, imported_by, audit_sequence"

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
                              importedAt: Timestamp(milliseconds: row.int64(3) ?? 0), importedBy: row.string(4) ?? "",
                              auditSequence: row.int64(5))
    }

    public static func productionBatchValues(_ batch: ProductionBatchRecord) -> [ColumnValue] {
        [.text(batch.id), .text(batch.digest), .integer(Int64(batch.rowCount)), .integer(batch.importedAt.milliseconds),
         .text(batch.importedBy), .optionalInteger(batch.auditSequence)]
    }

    /// How the engines join a batch to its sealing `importBatch` entry: by
    /// the entry's time and sequence (the time index finds it; the sequence
    /// and the detail's batch tell it from another chain's entry of the
    /// same millisecond).
    ///
    /// The entry's columns come first, then the application, card number
    /// and holder the entry is shown for (`batchEntry`).
    public static let batchEntryJoin = "e.at = b.imported_at AND e.seq = b.audit_sequence AND e.action = 'importBatch' "
        + "AND e.outcome = 'done' AND substr(e.detail, 1, length(b.batch_id) + 7) = 'batch=' || b.batch_id || ';'"

    /// The sealing entry of a batch, shown for one of its applications: the
    /// application's id, card number and holder in the entry's fields, at
    /// `extra` (the first column after the entry's).
    public static func batchEntry(_ entry: AuditEntry, _ row: some StoredRow, extra: Int) -> AuditEntry {
        var shown = entry
        shown.applicationId = row.int64(extra)
        shown.cardNumber = row.string(extra + 1)
        shown.ssn = row.string(extra + 2)
        return shown
    }

    /// Two lists of batch entries as one, each entry once (the same
    /// application found by its card and by its holder), in sequence order.
    public static func merged(_ first: [AuditEntry], _ second: [AuditEntry], limit: Int) -> [AuditEntry] {
        var seen = Set<String>()
        let all = (first + second).filter { seen.insert("\($0.chain) \($0.sequence) \($0.applicationId ?? 0)").inserted }
        return Array(all.sorted { ($0.at, $0.sequence) < ($1.at, $1.sequence) }.prefix(limit))
    }
}
