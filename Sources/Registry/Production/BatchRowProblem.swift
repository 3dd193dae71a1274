/// What is wrong with one row (or the whole file) of a production batch:
/// the line, the column and what is wrong, never the value itself — only
/// its masked form, for the administrator's reply (`maskedValue`), which the
/// daemon's log never carries.
public struct BatchRowProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        // The file.
        case notUTF8(byteOffset: Int)
        case noHeader
        case missingColumn
        case unknownColumn
        case duplicateColumn
        case noRows
        case tooManyRows(limit: Int)
        // One row's shape.
        case wrongFieldCount(expected: Int, actual: Int)
        case badQuoting
        case empty
        case invalid(String)
        case applicantAmbiguous
        case otherBatch
        case expiryNotAfterIssue
        case unknownSpecVersion
        // Rows against each other.
        case duplicateRow(firstLine: Int)
        case duplicateInFile(firstLine: Int)
        // Rows against the registry.
        case applicationNotFound
        case noOpenApplication
        case wrongStage(String)
        case alreadyHasCard
        case alreadyKnown
    }

    /// 1-based line of the file (the header is line 1); 0 for the file as a whole.
    public var line: Int
    /// The column (the header's name), or nil for the row or the file.
    public var field: String?
    public var kind: Kind
    /// The value masked (`PersonalData`), when showing it helps find the row.
    public var maskedValue: String?

    public init(line: Int, field: String?, _ kind: Kind, maskedValue: String? = nil) {
        self.line = line
        self.field = field
        self.kind = kind
        self.maskedValue = maskedValue
    }

    /// A short machine name for the kind (the reply's `problem`).
    public var code: String {
        switch kind {
        case .notUTF8: return "notUTF8"
        case .noHeader: return "noHeader"
        case .missingColumn: return "missingColumn"
        case .unknownColumn: return "unknownColumn"
        case .duplicateColumn: return "duplicateColumn"
        case .noRows: return "noRows"
        case .tooManyRows: return "tooManyRows"
        case .wrongFieldCount: return "wrongFieldCount"
        case .badQuoting: return "badQuoting"
        case .empty: return "empty"
        case .invalid: return "invalid"
        case .applicantAmbiguous: return "applicantAmbiguous"
        case .otherBatch: return "otherBatch"
        case .expiryNotAfterIssue: return "expiryNotAfterIssue"
        case .unknownSpecVersion: return "unknownSpecVersion"
        case .duplicateRow: return "duplicateRow"
        case .duplicateInFile: return "duplicateInFile"
        case .applicationNotFound: return "applicationNotFound"
        case .noOpenApplication: return "noOpenApplication"
        case .wrongStage: return "wrongStage"
        case .alreadyHasCard: return "alreadyHasCard"
        case .alreadyKnown: return "alreadyKnown"
        }
    }

    /// What is wrong, in words; no personal data.
    public var reason: String {
        switch kind {
        case let .notUTF8(offset): return "not UTF-8 at byte \(offset)"
        case .noHeader: return "the header row is missing"
        case .missingColumn: return "the header has no such column"
        case .unknownColumn: return "the header names a column the layout does not have"
        case .duplicateColumn: return "the header names this column twice"
        case .noRows: return "the batch has no rows"
        case let .tooManyRows(limit): return "more than \(limit) rows"
        case let .wrongFieldCount(expected, actual): return "\(actual) fields, the header has \(expected)"
        case .badQuoting: return "a quote that RFC 4180 does not allow"
        case .empty: return "empty"
        case let .invalid(why): return why
        case .applicantAmbiguous: return "give exactly one of application_id and ssn"
        case .otherBatch: return "another batch id than the file's first row"
        case .expiryNotAfterIssue: return "the expiry date is not after the issue date"
        case .unknownSpecVersion: return "the spec version names no card generation (1.00, 2.00, 3.00)"
        case let .duplicateRow(first): return "the same row as line \(first)"
        case let .duplicateInFile(first): return "already on line \(first) of this file"
        case .applicationNotFound: return "no such application"
        case .noOpenApplication: return "the holder has no open application"
        case let .wrongStage(stage): return "the application is \(stage), not producing"
        case .alreadyHasCard: return "the application already has card data"
        case .alreadyKnown: return "the registry already knows this card"
        }
    }

    public var description: String {
        "line \(line)" + (field.map { ", \($0)" } ?? "") + ": " + reason + (maskedValue.map { " (\($0))" } ?? "")
    }
}

/// Why a batch was not imported; nothing of it was applied.
public enum ProductionBatchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Rows (or the file) that cannot be imported, each naming its line and column.
    case rejected(batchId: String, problems: [BatchRowProblem])
    /// The batch id was imported before with other content.
    case conflict(batchId: String, importedAt: Timestamp)

    public var description: String {
        switch self {
        case let .rejected(batch, problems):
            return "batch '\(batch)' rejected: \(problems.count) problem(s); first: \(problems.first?.description ?? "-")"
        case let .conflict(batch, at):
            return "batch '\(batch)' was imported at \(at.rfc3339) with other content"
        }
    }
}
