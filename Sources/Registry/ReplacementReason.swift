import SSCardValues

/// Why a holder asks for a new card in place of an existing one (补领/换领/换发):
/// the seeds' list (000 item 39, 004 items 83-84), plus demagnetised (消磁)
/// and "other" for what the list does not name.
public enum ReplacementReason: String, CaseIterable, Codable, Sendable {
    /// 补领: the card is lost; the card must have been reported lost.
    case lost
    case damaged
    /// The chip cannot be read.
    case unreadable
    /// 消磁: the magnetic stripe no longer reads.
    case demagnetised
    /// The printed face (photo, name) can no longer be read.
    case faceUnreadable
    /// Name or number changed; needs the civil registry's proof.
    case keyInformationChanged
    case bankChanged
    /// A child's card carries a photo taken before 7: replaced once they reach 7.
    case childReachedSeven
    case appearanceChanged
    case voluntary
    /// 换代: a card of an older generation for one of the newest; free.
    case generationUpgrade
    case other

    /// Fee in fen (1/100 yuan): 18 yuan a card (000 item 39), a generation
    /// upgrade free. Whether a charged fee was paid or waived is recorded
    /// with the application (`FeeSettlement`).
    public var feeFen: Int { self == .generationUpgrade ? 0 : 1800 }

    /// The name people read, from the one vocabulary in SSCardValues.
    public var chinese: String { ServiceVocabulary.replacementReason.chinese(rawValue) }
}

/// What happened to an application's fee at the counter.
public enum FeeSettlement: String, CaseIterable, Codable, Sendable {
    /// The reason carries no fee (a generation upgrade, a first card).
    case free
    /// The holder paid the fee when the application was accepted.
    case paid
    /// The fee was charged by the reason but waived; the application's reason says why.
    case waived
}
