import SSCardValues

/// A request to act on one card, as a counter, kiosk or the system makes it.
public struct CardRequest: Sendable {
    public var cardNumber: CardNumber
    public var actor: Actor
    public var evidence: Evidence
    public var reason: String?
    /// For loss reports: whether the holder authorises the electronic card's
    /// identity-credential function to continue.
    public var electronicCredentialContinues: Bool?
    /// For loss reports: how the reminder to report the loss to the bank was
    /// delivered; nil lets the registry record what it knows (the channel).
    public var bankReminder: BankReminder?
    /// For cancellations: why; required by `Registry.cancel`.
    public var cancellationReason: CancellationReason?
    /// For lock and unlock: the call acts on the card's chip in a reader
    /// (APPLICATION BLOCK / UNBLOCK), so the record's `chipBlocked` follows it.
    public var onChip = false

    public init(cardNumber: CardNumber, actor: Actor, evidence: Evidence = .none,
                reason: String? = nil, electronicCredentialContinues: Bool? = nil,
                bankReminder: BankReminder? = nil, cancellationReason: CancellationReason? = nil) {
        self.cardNumber = cardNumber
        self.actor = actor
        self.evidence = evidence
        self.reason = reason
        self.electronicCredentialContinues = electronicCredentialContinues
        self.bankReminder = bankReminder
        self.cancellationReason = cancellationReason
    }
}

/// The kinds of loss report.
public enum LossKind: String, CaseIterable, Codable, Sendable {
    case temporary, formal

    var operation: CardOperation { self == .temporary ? .reportTemporaryLoss : .reportFormalLoss }
}
