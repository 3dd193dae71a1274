/// Why a holder asks for a new card in place of an existing one (补领/换领/换发).
public enum ReplacementReason: String, CaseIterable, Codable, Sendable {
    case lost
    case damaged
    case faceUnreadable
    case keyInformationChanged
    case bankChanged
    case childReachedSeven
    case appearanceChanged
    case voluntary
    case generationUpgrade

    /// Fee in fen (1/100 yuan): 18 yuan a card, generation upgrades free.
    public var feeFen: Int { self == .generationUpgrade ? 0 : 1800 }
}
