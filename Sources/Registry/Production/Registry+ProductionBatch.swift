import SSCardValues

/// What importing a batch did.
public enum BatchImportOutcome: Hashable, Sendable {
    /// Applied now: every row's application is `produced` with its card data.
    case imported(BatchImportSummary)
    /// The same batch (same id, same digest) was imported before; nothing changed.
    case alreadyImported(ProductionBatchRecord)
}

public struct BatchImportSummary: Hashable, Sendable {
    public var record: ProductionBatchRecord
    /// How long the apply held the registry's writer, commit excluded.
    public var writerHeld: Duration
}

extension Registry {
    /// Applies a production batch atomically: every row's application goes
    /// from `producing` to `produced` with the card data its binding will be
    /// checked against, or — one row wrong — nothing at all. One audit entry,
    /// the batch's, names it, its digest and row count, and seals its produced
    /// cards (`ProducedCardsSeal`); each holder's history shows it. A batch
    /// id seen before is a no-op with the same content and refused with other.
    /// A refusal is audited too, with line and column but no personal data.
    ///
    /// The apply checks set-wise — the engine's keys and one statement each
    /// for the stage and the cards already known — and only when the engine
    /// refuses a row is the batch looked at row by row, after the rollback,
    /// to name every row at fault (`diagnose`).
    public func importBatch(_ batch: ProductionBatch, actor: Actor) throws -> BatchImportOutcome {
        let digest = batch.digest
        do {
            do {
                return try store.write { writer in try apply(batch, digest: digest, actor: actor, writer: writer) }
            } catch let refused as BatchRowsRefused {
                // Rolled back. The rows at fault, every one; none found means
                // the registry changed between the apply and the look.
                try store.read(snapshot: true) { reader in try diagnose(batch, reader: reader) }
                throw RegistryError.storeFailure(refused.description + "; no row was found at fault on a second look, "
                                                     + "nothing was imported, and the import can be tried again")
            }
        } catch let error as ProductionBatchError {
            try recordRefusedBatch(batch.id, digest: digest, error: error, actor: actor)
            throw error
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storeFailure(String(describing: error))
        }
    }

    /// The apply, inside the registry's writer: decide (the batch is new, or
    /// the same), then write the batch, its cards and its entry; the engine
    /// throws `BatchRowsRefused` for a row the registry's rules refuse, which
    /// rolls everything back. The seal of the produced cards is computed on
    /// another core meanwhile: the entry's sequence is known before its seal
    /// is (the writer holds the chain), so the batch's row can name it first.
    private func apply(_ batch: ProductionBatch, digest: String, actor: Actor,
                       writer: any RegistryWriting) throws -> BatchImportOutcome {
        let start = ContinuousClock.now
        if let existing = try writer.productionBatch(batch.id) {
            guard existing.digest == digest else {
                throw ProductionBatchError.conflict(batchId: batch.id, importedAt: existing.importedAt)
            }
            return .alreadyImported(existing)
        }
        let applicationIds = try self.applicationIds(batch, reader: writer)
        let now = clock.now()
        let cards = zip(batch.rows, applicationIds).map { ProducedCard($0, applicationId: $1, batchId: batch.id) }
        let seal = BackgroundDigest { ProducedCardsSeal.digest(batchId: batch.id, cards: cards) }
        let sequence = (try writer.lastAuditLink()?.sequence ?? 0) + 1
        let record = ProductionBatchRecord(id: batch.id, digest: digest, rowCount: batch.rows.count,
                                           importedAt: now, importedBy: actor.id, auditSequence: sequence)
        try writer.insert(record, cards: cards, at: now)
        let appended = try AuditTrail.append(
            AuditEntry(sequence: 0, at: now, actor: actor, action: .importBatch, outcome: .done,
                       oldState: ApplicationStage.producing.rawValue, newState: ApplicationStage.produced.rawValue,
                       detail: ProducedCardsSeal.detail(batch: record, cardsDigest: seal.value)),
            to: writer)
        guard appended == sequence else {
            throw RegistryError.storeFailure("the batch's entry was numbered \(appended), not \(sequence): the chain moved "
                                                 + "under the writer; nothing was imported")
        }
        return .imported(BatchImportSummary(record: record, writerHeld: ContinuousClock.now - start))
    }

    /// Each row's application id: named, or the holder's one open application.
    private func applicationIds(_ batch: ProductionBatch, reader: any RegistryReading) throws -> [Int64] {
        var ssns: [SocialSecurityNumber] = []
        for row in batch.rows {
            if case let .ssn(ssn) = row.applicant { ssns.append(ssn) }
        }
        let bySSN = ssns.isEmpty ? [:] : try reader.openApplications(ssns: ssns)
        return try batch.rows.map { row in
            switch row.applicant {
            case let .application(id):
                return id
            case let .ssn(ssn):
                guard let application = bySSN[ssn] else { throw BatchRowsRefused("a holder without an open application") }
                return application.id
            }
        }
    }

    /// Audits a batch that was not imported: the file's problems before it
    /// reached the registry (`ProductionBatchCSV`) or the registry's.
    public func recordRefusedBatch(_ batchId: String, digest: String?, error: ProductionBatchError, actor: Actor) throws {
        let summary: String
        switch error {
        case let .rejected(_, problems):
            summary = "\(problems.count) problem(s); first: " + (problems.first.map { "line \($0.line) \($0.field ?? "-") \($0.code)" } ?? "-")
        case .conflict:
            summary = "imported before with other content"
        }
        try recordRefusedAttempt(action: .importBatch, actor: actor,
                                 reason: "batch=\(batchId)" + (digest.map { ";digest=\($0)" } ?? "") + ";" + summary)
    }
}
