import SSCardValues

/// A production batch from the bank or card factory (制卡批次): the cards it
/// made, one row an application. Built only by `ProductionBatchCSV`, so every
/// row has passed the checks that need no registry.
public struct ProductionBatch: Hashable, Sendable {
    public var id: String { didSet { digest = Self.digest(id: id, rows: rows) } }
    public var rows: [ProductionBatchRow] { didSet { digest = Self.digest(id: id, rows: rows) } }
    /// SHA-256 of the canonical rows (hex): the same cards for the same
    /// applications give the same digest whatever the file's quoting, line
    /// ends or date spelling, so a re-sent file is recognised as the same batch.
    ///
    /// Computed as the batch is built — when its file is parsed, before the
    /// registry's writer is taken — and again when it is changed.
    public private(set) var digest: String

    public init(id: String, rows: [ProductionBatchRow]) {
        self.id = id
        self.rows = rows
        digest = Self.digest(id: id, rows: rows)
    }

    static func digest(id: String, rows: [ProductionBatchRow]) -> String {
        var text = DigestText(version: "sscard-batch-v1", batchId: id, expectedLines: rows.count)
        for row in rows { row.writeCanonical(to: &text) }
        return text.digest
    }
}

/// One produced card: which application it is for, and the card data its
/// binding will be checked against.
public struct ProductionBatchRow: Hashable, Sendable {
    /// The application, by its id or by the applicant's number (their one open application).
    public enum Applicant: Hashable, Sendable {
        case application(Int64)
        case ssn(SocialSecurityNumber)
    }

    /// The row's line in the file (the header is line 1), for problems.
    public var line: Int
    public var applicant: Applicant
    public var cardNumber: CardNumber
    public var cardId: CardIdentificationCode
    public var specVersion: String
    public var issueDate: CalendarDate
    public var expiryDate: CalendarDate

    public init(line: Int, applicant: Applicant, cardNumber: CardNumber, cardId: CardIdentificationCode,
                specVersion: String, issueDate: CalendarDate, expiryDate: CalendarDate) {
        self.line = line
        self.applicant = applicant
        self.cardNumber = cardNumber
        self.cardId = cardId
        self.specVersion = specVersion
        self.issueDate = issueDate
        self.expiryDate = expiryDate
    }

    /// The row's fields without its position, in the digest's order: one
    /// list for both the digest's line and the duplicate check's key.
    private var canonicalFields: [String] {
        let who: String
        switch applicant {
        case let .application(id): who = "a:\(id)"
        case let .ssn(ssn): who = "s:" + ssn.rawValue
        }
        return [who, cardNumber.rawValue, cardId.rawValue, specVersion, issueDate.description, expiryDate.description]
    }

    /// The row as a line of the digest's text.
    func writeCanonical(to text: inout DigestText) {
        for field in canonicalFields { text.field(field) }
        text.endLine()
    }

    /// The row's content without its position: equal rows are duplicates.
    var canonical: String { canonicalFields.joined(separator: "\u{1F}") }
}

/// A batch as the registry recorded it: enough to recognise a re-import.
public struct ProductionBatchRecord: Hashable, Sendable {
    public var id: String
    public var digest: String
    public var rowCount: Int
    public var importedAt: Timestamp
    public var importedBy: String
    /// The sequence of the batch's `importBatch` entry, which seals its
    /// produced cards (`ProducedCardsSeal.digest`); nil for a batch imported
    /// before that entry did (each application then has its own entry).
    public var auditSequence: Int64?

    public init(id: String, digest: String, rowCount: Int, importedAt: Timestamp, importedBy: String,
                auditSequence: Int64? = nil) {
        self.id = id
        self.digest = digest
        self.rowCount = rowCount
        self.importedAt = importedAt
        self.importedBy = importedBy
        self.auditSequence = auditSequence
    }
}

/// The card data a batch delivered for one application, kept until (and
/// after) the card is bound: binding checks the chip it reads against it.
public struct ProducedCard: Hashable, Sendable {
    public var applicationId: Int64
    public var batchId: String
    public var cardNumber: CardNumber
    public var cardId: CardIdentificationCode
    public var specVersion: String
    public var issueDate: CalendarDate
    public var expiryDate: CalendarDate

    public init(applicationId: Int64, batchId: String, cardNumber: CardNumber, cardId: CardIdentificationCode,
                specVersion: String, issueDate: CalendarDate, expiryDate: CalendarDate) {
        self.applicationId = applicationId
        self.batchId = batchId
        self.cardNumber = cardNumber
        self.cardId = cardId
        self.specVersion = specVersion
        self.issueDate = issueDate
        self.expiryDate = expiryDate
    }

    /// The card data `row` delivers for its application.
    public init(_ row: ProductionBatchRow, applicationId: Int64, batchId: String) {
        self.init(applicationId: applicationId, batchId: batchId, cardNumber: row.cardNumber, cardId: row.cardId,
                  specVersion: row.specVersion, issueDate: row.issueDate, expiryDate: row.expiryDate)
    }
}
