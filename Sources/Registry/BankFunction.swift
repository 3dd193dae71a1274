import SSCardValues

/// The card's financial (bank) function as the registry records it. The bank
/// runs it, not the registry: it is opened at the bank, and a loss is
/// reported to the bank separately (000 item 40); benefits are paid through
/// it. The registry keeps what the bank acknowledged, recorded by an
/// operator, so that staff can see whether a lost card's bank side is safe.
public enum BankFunction: String, CaseIterable, Codable, Sendable {
    /// Never opened at the bank (a new card until the holder goes there).
    case notOpened
    case opened
    /// The bank acknowledged the loss report of the financial function.
    case reportedLost
    /// The bank closed the financial function (after a replacement or cancellation).
    case closed

    /// The name people read, from the one vocabulary in SSCardValues.
    public var chinese: String { ServiceVocabulary.bankFunction.chinese(rawValue) }

    /// Whether a loss report must remind the holder to report the loss to the
    /// bank as well: only while the bank function is open and not yet reported.
    public var needsLossReminder: Bool { self == .opened }
}

/// What the bank acknowledged, as an operator records it.
public enum BankEvent: String, CaseIterable, Codable, Sendable {
    case opened
    case lossAcknowledged
    case lossReleased
    case closed

    /// Every allowed (event, function) pair and where it leads; pairs absent
    /// are refused, naming the event and the function's state.
    public static let table: [BankEvent: [BankFunction: BankFunction]] = [
        .opened: [.notOpened: .opened],
        .lossAcknowledged: [.opened: .reportedLost],
        .lossReleased: [.reportedLost: .opened],
        .closed: [.opened: .closed, .reportedLost: .closed],
    ]

    public func apply(to function: BankFunction) -> BankFunction? { Self.table[self]?[function] }
}

/// How the reminder to report the loss to the bank reached the holder,
/// recorded with every loss report.
public enum BankReminder: String, CaseIterable, Codable, Sendable {
    /// The operator told the holder at the counter.
    case toldByOperator
    /// The kiosk showed it on its screen.
    case shownOnKiosk
    /// It went back in the reply; nobody confirmed that the holder heard it.
    case returnedToCaller
    /// The bank function is not open (or its loss is reported already): nothing to remind.
    case notNeeded
}
