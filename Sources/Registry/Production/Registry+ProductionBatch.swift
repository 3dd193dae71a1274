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
    /// checked against, or — one row wrong — nothing at all. Each application
    /// gets an audit entry naming the batch (its holder's history shows it)
    /// and the batch one with its digest and row count. A batch id seen
    /// before is a no-op with the same content and refused with other.
    /// A refusal is audited too, with line and column but no personal data.
    public func importBatch(_ batch: ProductionBatch, actor: Actor) throws -> BatchImportOutcome {
        let digest = batch.digest
        do {
            return try store.write { writer in
                let start = ContinuousClock.now
                if let existing = try writer.productionBatch(batch.id) {
                    guard existing.digest == digest else {
                        throw ProductionBatchError.conflict(batchId: batch.id, importedAt: existing.importedAt)
                    }
                    return .alreadyImported(existing)
                }
                let targets = try resolve(batch, writer: writer)
                let now = clock.now()
                let record = ProductionBatchRecord(id: batch.id, digest: digest, rowCount: batch.rows.count,
                                                   importedAt: now, importedBy: actor.id)
                let cards = zip(batch.rows, targets).map { row, application in
                    ProducedCard(applicationId: application.id, batchId: batch.id, cardNumber: row.cardNumber,
                                 cardId: row.cardId, specVersion: row.specVersion, issueDate: row.issueDate,
                                 expiryDate: row.expiryDate)
                }
                try writer.insert(record, cards: cards, at: now)
                var entries = zip(cards, targets).map { card, application in
                    AuditEntry(sequence: 0, at: now, actor: actor, action: .produceInBatch, outcome: .done,
                               cardNumber: card.cardNumber.rawValue, ssn: application.ssn.rawValue,
                               applicationId: application.id, oldState: ApplicationStage.producing.rawValue,
                               newState: ApplicationStage.produced.rawValue, detail: "batch=\(batch.id)")
                }
                entries.append(AuditEntry(sequence: 0, at: now, actor: actor, action: .importBatch, outcome: .done,
                                          detail: "batch=\(batch.id);digest=\(digest);rows=\(batch.rows.count)"))
                try AuditTrail.append(contentsOf: entries, to: writer)
                return .imported(BatchImportSummary(record: record, writerHeld: ContinuousClock.now - start))
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

    /// Each row's application, after the registry's checks; every problem at once.
    func resolve(_ batch: ProductionBatch, writer: any RegistryWriting) throws -> [Application] {
        var ids: [Int64] = []
        var ssns: [SocialSecurityNumber] = []
        for row in batch.rows {
            switch row.applicant {
            case let .application(id): ids.append(id)
            case let .ssn(ssn): ssns.append(ssn)
            }
        }
        let byId = try writer.applications(ids: ids)
        let bySSN = try writer.openApplications(ssns: ssns)
        var problems: [BatchRowProblem] = []
        var found: [Application] = []
        var lines: [Int64: Int] = [:]
        for row in batch.rows {
            let application: Application?
            let column: String
            switch row.applicant {
            case let .application(id):
                column = ProductionBatchCSV.Column.applicationId.rawValue
                application = byId[id]
                if application == nil { problems.append(BatchRowProblem(line: row.line, field: column, .applicationNotFound)) }
            case let .ssn(ssn):
                column = ProductionBatchCSV.Column.ssn.rawValue
                application = bySSN[ssn]
                if application == nil {
                    problems.append(BatchRowProblem(line: row.line, field: column, .noOpenApplication, maskedValue: ssn.description))
                }
            }
            guard let application else { continue }
            if let first = lines[application.id] {
                problems.append(BatchRowProblem(line: row.line, field: column, .duplicateInFile(firstLine: first)))
            }
            lines[application.id] = row.line
            if application.cardNumber != nil {
                problems.append(BatchRowProblem(line: row.line, field: column, .alreadyHasCard))
            } else if application.stage != .producing {
                problems.append(BatchRowProblem(line: row.line, field: column, .wrongStage(application.stage.rawValue)))
            }
            found.append(application)
        }
        let produced = try writer.producedApplications(found.map(\.id))
        let knownNumbers = try writer.knownCardNumbers(batch.rows.map(\.cardNumber))
        let knownChips = try writer.knownChipIds(batch.rows.map(\.cardId))
        for row in batch.rows {
            if knownNumbers.contains(row.cardNumber) {
                problems.append(BatchRowProblem(line: row.line, field: ProductionBatchCSV.Column.cardNumber.rawValue,
                                                .alreadyKnown, maskedValue: row.cardNumber.description))
            }
            if knownChips.contains(row.cardId) {
                problems.append(BatchRowProblem(line: row.line, field: ProductionBatchCSV.Column.cardId.rawValue,
                                                .alreadyKnown, maskedValue: row.cardId.description))
            }
        }
        for application in found where produced.contains(application.id) {
            problems.append(BatchRowProblem(line: lines[application.id] ?? 0, field: nil, .alreadyHasCard))
        }
        guard problems.isEmpty else {
            problems.sort { ($0.line, $0.field ?? "") < ($1.line, $1.field ?? "") }
            throw ProductionBatchError.rejected(batchId: batch.id,
                                                problems: Array(problems.prefix(ProductionBatchCSV.maximumProblems)))
        }
        return found
    }
}
