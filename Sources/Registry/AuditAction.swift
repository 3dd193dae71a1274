import SSCardValues

/// What an audit entry says was done or attempted: one vocabulary for the
/// card operations, the registry's own actions, and calls refused before
/// they reached either.
///
/// There used to be three: `CardOperation` raw values, literals such as
/// `"bind"`, and the PascalCase method names of refused calls (`"Seal"`),
/// which let a caller's text choose an entry's action. A value now comes only
/// from this type's constants, a `CardOperation`, or the daemon's mapping of
/// the interfaces' methods (`AuditAction(refusedCall:)` in SSCardDaemon). Entries
/// written before keep the spelling they were hashed with: the raw value is
/// read back as it is, and `isKnown` says whether the vocabulary names it.
public struct AuditAction: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A card operation's own action.
    public init(_ operation: CardOperation) { rawValue = operation.rawValue }

    // The registry's own actions.
    public static let apply = AuditAction(rawValue: "apply")
    public static let replace = AuditAction(rawValue: "replace")
    public static let advance = AuditAction(rawValue: "advance")
    /// The counter's instant-issue machine made the card (accepted → produced in one step).
    public static let produceInstantly = AuditAction(rawValue: "produceInstantly")
    public static let bind = AuditAction(rawValue: "bind")
    /// A production batch from the bank or card factory was applied (one entry a batch).
    public static let importBatch = AuditAction(rawValue: "importBatch")
    /// One application of an imported batch reached `produced` (one entry an application).
    public static let produceInBatch = AuditAction(rawValue: "produceInBatch")
    public static let updateHolder = AuditAction(rawValue: "updateHolder")
    /// The bank's acknowledgement of an event of the card's financial function.
    public static let recordBankEvent = AuditAction(rawValue: "recordBankEvent")
    /// An administrator's export of the audit trail (itself recorded: who, period, masked or not, count).
    public static let exportAudit = AuditAction(rawValue: "exportAudit")

    /// The count of a minute's calls refused to a peer with no role.
    public static let refusedCalls = AuditAction(rawValue: "refusedCalls")
    /// A refused call to a method the interfaces do not declare.
    public static let unknownMethod = AuditAction(rawValue: "unknownMethod")

    // Calls that change nothing, recorded when refused (the daemon maps each
    // method of the interfaces to its action: `AuditAction(refusedCall:)`).
    public static let reportLoss = AuditAction(rawValue: "reportLoss")
    public static let getStatus = AuditAction(rawValue: "getStatus")
    public static let history = AuditAction(rawValue: "history")
    public static let pendingReleases = AuditAction(rawValue: "pendingReleases")
    public static let monitor = AuditAction(rawValue: "monitor")
    public static let verifyAudit = AuditAction(rawValue: "verifyAudit")
    public static let backup = AuditAction(rawValue: "backup")
    public static let report = AuditAction(rawValue: "report")
    public static let listReaders = AuditAction(rawValue: "listReaders")
    public static let readCard = AuditAction(rawValue: "readCard")
    public static let verifyPin = AuditAction(rawValue: "verifyPin")
    public static let changePin = AuditAction(rawValue: "changePin")
    public static let monitorReaders = AuditAction(rawValue: "monitorReaders")
    public static let psamStatus = AuditAction(rawValue: "psamStatus")

    /// The actions of calls that change nothing.
    public static let callActions: [AuditAction] = [
        .reportLoss, .getStatus, .history, .pendingReleases, .monitor, .verifyAudit, .backup, .report, .listReaders,
        .readCard, .verifyPin, .changePin, .monitorReaders, .psamStatus,
    ]

    /// Every action there is: what the vocabulary must name.
    public static let all: [AuditAction] =
        CardOperation.allCases.map(AuditAction.init) + [.apply, .replace, .advance, .produceInstantly, .bind, .updateHolder,
                                                        .importBatch, .produceInBatch, .recordBankEvent, .exportAudit,
                                                        .refusedCalls, .unknownMethod] + callActions

    /// Whether the vocabulary has a name for it (entries from before the
    /// vocabulary was one may not).
    public var isKnown: Bool { ServiceVocabulary.action.names[rawValue] != nil }

    /// The name people read in a Chinese table.
    public var chinese: String { ServiceVocabulary.action.chinese(rawValue) }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
