import SSCardValues

/// A card as the registry keeps it: its chip identity, its holder and where
/// it stands in its lifecycle.
public struct CardRecord: Hashable, Codable, Sendable {
    public var cardNumber: CardNumber
    public var cardId: CardIdentificationCode
    public var ssn: SocialSecurityNumber
    public var applicationId: Int64?
    public var state: CardState
    public var previousState: CardState?
    /// When the temporary loss releases itself; set only while temporarily lost.
    public var lossDeadline: Timestamp?
    /// Whether the holder lets the electronic card's identity-credential
    /// function continue while the physical card is reported lost.
    public var electronicCredentialContinues: Bool?
    /// The card bound in this one's place, once a replacement exists.
    public var replacedBy: CardNumber?
    /// The chip's generation (`CardGeneration`); nil when bound without it.
    public var generation: Int?
    /// The financial function as the bank last acknowledged it.
    public var bankFunction: BankFunction
    /// Whether the chip's application was blocked (APPLICATION BLOCK) at a
    /// reader and not yet unblocked there. The registry's state can move on
    /// without the card (an unlock by card number alone); the chip cannot,
    /// so this says the card still refuses until it is unblocked at a counter reader.
    public var chipBlocked: Bool
    public var updatedAt: Timestamp

    public init(cardNumber: CardNumber, cardId: CardIdentificationCode, ssn: SocialSecurityNumber,
                applicationId: Int64?, state: CardState, previousState: CardState? = nil,
                lossDeadline: Timestamp? = nil, electronicCredentialContinues: Bool? = nil,
                replacedBy: CardNumber? = nil, generation: Int? = nil, bankFunction: BankFunction = .notOpened,
                chipBlocked: Bool = false, updatedAt: Timestamp) {
        self.cardNumber = cardNumber
        self.cardId = cardId
        self.ssn = ssn
        self.applicationId = applicationId
        self.state = state
        self.previousState = previousState
        self.lossDeadline = lossDeadline
        self.electronicCredentialContinues = electronicCredentialContinues
        self.replacedBy = replacedBy
        self.generation = generation
        self.bankFunction = bankFunction
        self.chipBlocked = chipBlocked
        self.updatedAt = updatedAt
    }

    public var position: CardLifecycle.Position {
        CardLifecycle.Position(state: state, previousState: previousState)
    }
}

/// A card's status as a query answers it: the card and its holder's name.
public struct CardStatus: Hashable, Codable, Sendable {
    public var card: CardRecord
    public var holderName: HolderName

    public init(card: CardRecord, holderName: HolderName) {
        self.card = card
        self.holderName = holderName
    }
}

/// Everything the registry knows about one holder.
public struct HolderStatus: Hashable, Codable, Sendable {
    public var holder: Holder
    public var cards: [CardRecord]
    public var applications: [Application]
}
