import SSCardValues

/// An application for a card (申领), or for a replacement (补领/换领/换发).
public struct Application: Hashable, Codable, Sendable {
    public enum Kind: Hashable, Codable, Sendable {
        case first
        case replacement(of: CardNumber, reason: ReplacementReason)
    }

    public var id: Int64
    public var ssn: SocialSecurityNumber
    public var kind: Kind
    public var stage: ApplicationStage
    public var feeFen: Int
    /// Whether the fee was paid or waived (free when there is none).
    public var feeSettlement: FeeSettlement
    /// The holder's new name for a key-information replacement: it becomes
    /// the holder's name when the card carrying it is bound, not before, so
    /// the old card stays consistent with its chip while it is still usable.
    public var newName: HolderName?
    /// Why the application was rejected; set only in `rejected`.
    public var rejectionReason: String?
    /// The card bound to this application, once its chip has been read.
    public var cardNumber: CardNumber?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// Where it was made; nil for applications made before channels were recorded.
    public var channel: ApplicationChannel?
    /// The day the card is promised by (instant: the day of application).
    public var expectedDate: CalendarDate?
    public var delivery: Delivery?

    public init(id: Int64, ssn: SocialSecurityNumber, kind: Kind, stage: ApplicationStage, feeFen: Int,
                feeSettlement: FeeSettlement? = nil, newName: HolderName? = nil, rejectionReason: String? = nil, cardNumber: CardNumber? = nil,
                createdAt: Timestamp, updatedAt: Timestamp, channel: ApplicationChannel? = nil,
                expectedDate: CalendarDate? = nil, delivery: Delivery? = nil) {
        self.channel = channel
        self.expectedDate = expectedDate
        self.delivery = delivery
        self.id = id
        self.ssn = ssn
        self.kind = kind
        self.stage = stage
        self.feeFen = feeFen
        self.feeSettlement = feeSettlement ?? (feeFen == 0 ? .free : .paid)
        self.newName = newName
        self.rejectionReason = rejectionReason
        self.cardNumber = cardNumber
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Still on its way to becoming a card: neither rejected nor bound.
    public var isOpen: Bool { stage != .rejected && cardNumber == nil }

    public var replaces: CardNumber? {
        if case let .replacement(card, _) = kind { return card }
        return nil
    }
}
