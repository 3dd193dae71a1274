import SSCardValues

/// Reads the rows of a production batch one by one, keeping what it has seen
/// to find duplicates, and collecting problems instead of stopping at the first.
struct RowReader {
    typealias Column = ProductionBatchCSV.Column

    let columns: [Column: Int]
    var batchId: String?
    var rows: [ProductionBatchRow] = []
    var problems: [BatchRowProblem] = []
    private var rowLines: [String: Int] = [:]
    private var cardLines: [String: Int] = [:]
    private var chipLines: [String: Int] = [:]
    private var applicantLines: [String: Int] = [:]

    init(columns: [Column: Int]) {
        self.columns = columns
    }

    mutating func read(_ record: CSVRecords.Record) {
        let line = record.line
        guard record.fields.count == columns.count else {
            problems.append(BatchRowProblem(line: line, field: nil,
                                            .wrongFieldCount(expected: columns.count, actual: record.fields.count)))
            return
        }
        func field(_ column: Column) -> String { record.fields[columns[column]!].trimmingSpaces }
        let before = problems.count
        func problem(_ column: Column, _ kind: BatchRowProblem.Kind, masked: String? = nil) {
            problems.append(BatchRowProblem(line: line, field: column.rawValue, kind, maskedValue: masked))
        }
        func required(_ column: Column) -> String? {
            let text = field(column)
            if text.isEmpty { problem(column, .empty) }
            return text.isEmpty ? nil : text
        }

        if let id = required(.batchId) {
            if !Self.isToken(id, limit: 64) {
                problem(.batchId, .invalid("letters, digits, '-', '_' and '.' only, at most 64"))
            } else if let batchId, batchId != id { problem(.batchId, .otherBatch) } else if batchId == nil { batchId = id }
        }
        var applicant: ProductionBatchRow.Applicant?
        switch (field(.applicationId), field(.ssn)) {
        case let (id, "") where !id.isEmpty:
            if let number = Int64(id), number > 0 { applicant = .application(number) } else {
                problem(.applicationId, .invalid("not a positive whole number"))
            }
        case let ("", text) where !text.isEmpty:
            do { applicant = .ssn(try SocialSecurityNumber(text)) } catch {
                problem(.ssn, .invalid(error.description), masked: PersonalData.maskSSN(text))
            }
        default:
            problems.append(BatchRowProblem(line: line, field: "application_id/ssn", .applicantAmbiguous))
        }
        var cardNumber: CardNumber?
        if let text = required(.cardNumber) {
            do { cardNumber = try CardNumber(text) } catch {
                problem(.cardNumber, .invalid(error.description), masked: PersonalData.maskCardNumber(text))
            }
        }
        var cardId: CardIdentificationCode?
        if let text = required(.cardId) {
            do { cardId = try CardIdentificationCode(text) } catch {
                problem(.cardId, .invalid(error.description), masked: PersonalData.maskIdentificationCode(text))
            }
        }
        let specVersion = required(.specVersion)
        if let specVersion, CardGeneration.of(specVersion: specVersion) == nil || !Self.isToken(specVersion, limit: 16) {
            problem(.specVersion, .unknownSpecVersion)
        }
        let issue = date(required(.issueDate), .issueDate, problem)
        let expiry = date(required(.expiryDate), .expiryDate, problem)
        if let issue, let expiry, !(issue < expiry) { problem(.expiryDate, .expiryNotAfterIssue) }
        guard problems.count == before, let applicant, let cardNumber, let cardId, let specVersion, let issue, let expiry
        else { return }

        let row = ProductionBatchRow(line: line, applicant: applicant, cardNumber: cardNumber, cardId: cardId,
                                     specVersion: specVersion, issueDate: issue, expiryDate: expiry)
        if let first = rowLines[row.canonical] {
            problems.append(BatchRowProblem(line: line, field: nil, .duplicateRow(firstLine: first)))
            return
        }
        rowLines[row.canonical] = line
        // Written out per dictionary: a key-path write would copy the dictionary every row.
        switch applicant {
        case let .application(id):
            if let first = applicantLines.updateValue(line, forKey: "a:\(id)") {
                applicantLines["a:\(id)"] = first
                problem(.applicationId, .duplicateInFile(firstLine: first))
            }
        case let .ssn(ssn):
            if let first = applicantLines.updateValue(line, forKey: "s:" + ssn.rawValue) {
                applicantLines["s:" + ssn.rawValue] = first
                problem(.ssn, .duplicateInFile(firstLine: first), masked: ssn.description)
            }
        }
        if let first = cardLines.updateValue(line, forKey: cardNumber.rawValue) {
            cardLines[cardNumber.rawValue] = first
            problem(.cardNumber, .duplicateInFile(firstLine: first), masked: cardNumber.description)
        }
        if let first = chipLines.updateValue(line, forKey: cardId.rawValue) {
            chipLines[cardId.rawValue] = first
            problem(.cardId, .duplicateInFile(firstLine: first), masked: cardId.description)
        }
        if problems.count == before { rows.append(row) }
    }

    /// Short ASCII words only: a batch id and a version go into the audit trail's `detail`.
    static func isToken(_ text: String, limit: Int) -> Bool {
        text.utf8.count <= limit && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    private func date(_ text: String?, _ column: Column,
                      _ problem: (Column, BatchRowProblem.Kind, String?) -> Void) -> CalendarDate? {
        guard let text else { return nil }
        do { return try CalendarDate(text, field: column.rawValue) } catch {
            problem(column, .invalid(error.description), nil)
            return nil
        }
    }
}
