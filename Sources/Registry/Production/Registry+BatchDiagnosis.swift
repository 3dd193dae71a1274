import SSCardValues

extension Registry {
    /// Every row the registry's rules refuse, each named by line and field,
    /// thrown as `ProductionBatchError.rejected`; returns when none is. Row
    /// by row, so it runs only after the set-wise apply was refused
    /// (`importBatch`), on the state that apply was rolled back to.
    func diagnose(_ batch: ProductionBatch, reader: any RegistryReading) throws {
        var ids: [Int64] = []
        var ssns: [SocialSecurityNumber] = []
        for row in batch.rows {
            switch row.applicant {
            case let .application(id): ids.append(id)
            case let .ssn(ssn): ssns.append(ssn)
            }
        }
        let byId = try reader.applications(ids: ids)
        let bySSN = try reader.openApplications(ssns: ssns)
        // Those a batch delivered card data for: reported `produced`, which
        // is the same fault as having card data, said once.
        let produced = try reader.producedApplications(Array(byId.keys) + bySSN.values.map(\.id))
        var problems: [BatchRowProblem] = []
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
            if application.cardNumber != nil || produced.contains(application.id) {
                problems.append(BatchRowProblem(line: row.line, field: column, .alreadyHasCard))
            } else if application.stage != .producing {
                problems.append(BatchRowProblem(line: row.line, field: column, .wrongStage(application.stage.rawValue)))
            }
        }
        let knownNumbers = try reader.knownCardNumbers(batch.rows.map(\.cardNumber))
        let knownChips = try reader.knownChipIds(batch.rows.map(\.cardId))
        var numberLines: [CardNumber: Int] = [:], chipLines: [CardIdentificationCode: Int] = [:]
        for row in batch.rows {
            // A batch built in code has not met the file's duplicate checks.
            if let first = numberLines.updateValue(row.line, forKey: row.cardNumber) {
                numberLines[row.cardNumber] = first
                problems.append(BatchRowProblem(line: row.line, field: ProductionBatchCSV.Column.cardNumber.rawValue,
                                                .duplicateInFile(firstLine: first), maskedValue: row.cardNumber.description))
            }
            if let first = chipLines.updateValue(row.line, forKey: row.cardId) {
                chipLines[row.cardId] = first
                problems.append(BatchRowProblem(line: row.line, field: ProductionBatchCSV.Column.cardId.rawValue,
                                                .duplicateInFile(firstLine: first), maskedValue: row.cardId.description))
            }
            if knownNumbers.contains(row.cardNumber) {
                problems.append(BatchRowProblem(line: row.line, field: ProductionBatchCSV.Column.cardNumber.rawValue,
                                                .alreadyKnown, maskedValue: row.cardNumber.description))
            }
            if knownChips.contains(row.cardId) {
                problems.append(BatchRowProblem(line: row.line, field: ProductionBatchCSV.Column.cardId.rawValue,
                                                .alreadyKnown, maskedValue: row.cardId.description))
            }
        }
        guard problems.isEmpty else {
            problems.sort { ($0.line, $0.field ?? "") < ($1.line, $1.field ?? "") }
            throw ProductionBatchError.rejected(batchId: batch.id,
                                                problems: Array(problems.prefix(ProductionBatchCSV.maximumProblems)))
        }
    }
}
