/// Whether a reader (or the card in it) talks over contacts or over the air.
public enum ReaderInterface: String, Sendable, Hashable, Codable, CaseIterable {
    case contact
    case contactless

    /// A heuristic, because PC/SC does not report the interface:
    /// contactless if the name contains "contactless" or "PICC" (any case),
    /// or the word "CL" (upper case, on its own, e.g. "OMNIKEY 5422 CL"), or if
    /// the card's ATR is the PC/SC part 3 contactless pseudo-ATR
    /// `3B 8n 80 01 …`. Everything else is contact. Dual readers expose two
    /// PC/SC slots, one per interface, and are classified per slot.
    public static func classify(readerName: String, atr: [UInt8]? = nil) -> ReaderInterface {
        let lowered = readerName.lowercased()
        if lowered.contains("contactless") || lowered.contains("picc") { return .contactless }
        let words = readerName.split { !$0.isLetter && !$0.isNumber }
        if words.contains("CL") { return .contactless }
        if let atr, let parsed = try? AnswerToReset(atr), parsed.isContactlessPseudoATR { return .contactless }
        return .contact
    }
}

/// A reader name with its interface, as `ReaderPreference` orders them.
public struct ClassifiedReader: Sendable, Hashable {
    public var name: String
    public var interface: ReaderInterface

    public init(name: String, interface: ReaderInterface) {
        self.name = name
        self.interface = interface
    }

    /// Classifies by name and, if a card is present, its ATR.
    public init(name: String, atr: [UInt8]? = nil) {
        self.init(name: name, interface: ReaderInterface.classify(readerName: name, atr: atr))
    }
}
