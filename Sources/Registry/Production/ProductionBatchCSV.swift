import SSCardValues

/// The production batch file (docs/operations.md, "Production batches"):
/// UTF-8 CSV after RFC 4180 with a header row naming the columns below, in
/// any order. Every row is checked here as far as the file alone allows —
/// check characters, dates, the applicant, duplicates within the file — and
/// every problem is collected, so one reading names them all.
public enum ProductionBatchCSV {
    public enum Column: String, CaseIterable, Sendable {
        case batchId = "batch_id"
        case applicationId = "application_id"
        case ssn
        case cardNumber = "card_number"
        case cardId = "card_id"
        case specVersion = "spec_version"
        case issueDate = "issue_date"
        case expiryDate = "expiry_date"
    }

    /// The header line a file starts with, in the documented order.
    public static let header = Column.allCases.map(\.rawValue).joined(separator: ",")
    /// More rows than this are refused: the whole batch is held in memory.
    public static let defaultMaximumRows = 200_000
    /// A reply names at most this many problems (and says how many there were).
    public static let maximumProblems = 200

    /// The batch in `bytes`, or every problem found (up to `maximumProblems`).
    public static func parse(_ bytes: [UInt8], maximumRows: Int = defaultMaximumRows)
        throws(ProductionBatchError) -> ProductionBatch {
        if let bad = UTF8Validation.firstInvalid(bytes) {
            throw .rejected(batchId: "", problems: [BatchRowProblem(line: bad.line, field: nil, .notUTF8(byteOffset: bad.offset))])
        }
        let records: [CSVRecords.Record]
        do {
            records = try CSVRecords.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .rejected(batchId: "", problems: [BatchRowProblem(line: error.line, field: nil, .badQuoting)])
        }
        guard let header = records.first else {
            throw .rejected(batchId: "", problems: [BatchRowProblem(line: 1, field: nil, .noHeader)])
        }
        let columns = try columnIndex(header)
        let body = records.dropFirst()
        guard !body.isEmpty else { throw .rejected(batchId: "", problems: [BatchRowProblem(line: 0, field: nil, .noRows)]) }
        guard body.count <= maximumRows else {
            throw .rejected(batchId: "", problems: [BatchRowProblem(line: 0, field: nil, .tooManyRows(limit: maximumRows))])
        }
        var reader = RowReader(columns: columns)
        for record in body {
            reader.read(record)
            if reader.problems.count >= maximumProblems { break }
        }
        let batchId = reader.batchId ?? ""
        guard reader.problems.isEmpty else { throw .rejected(batchId: batchId, problems: reader.problems) }
        return ProductionBatch(id: batchId, rows: reader.rows)
    }

    /// Each column's position; every column exactly once, no others.
    static func columnIndex(_ header: CSVRecords.Record) throws(ProductionBatchError) -> [Column: Int] {
        var index: [Column: Int] = [:]
        var problems: [BatchRowProblem] = []
        for (position, name) in header.fields.enumerated() {
            let trimmed = name.trimmingSpaces
            guard let column = Column(rawValue: trimmed) else {
                problems.append(BatchRowProblem(line: header.line, field: trimmed, .unknownColumn))
                continue
            }
            if index[column] != nil {
                problems.append(BatchRowProblem(line: header.line, field: trimmed, .duplicateColumn))
            }
            index[column] = position
        }
        for column in Column.allCases where index[column] == nil {
            problems.append(BatchRowProblem(line: header.line, field: column.rawValue, .missingColumn))
        }
        guard problems.isEmpty else { throw .rejected(batchId: "", problems: problems) }
        return index
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (CSV writers pad).
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
