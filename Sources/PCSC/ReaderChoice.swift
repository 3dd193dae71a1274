/// Which PC/SC reader to use, as the national reader interface's `iType`
/// says, among readers whose status (card present, ATR) pcscd reported.
public enum ReaderChoice: Int, Hashable, Sendable, CaseIterable {
    case contactOnly = 1
    case contactlessOnly = 2
    case contactFirst = 3
    case contactlessFirst = 4

    /// Nil for iType values the interface does not define.
    public init?(iType: Int) { self.init(rawValue: iType) }

    /// The reader to use among those holding a card, in pcscd's order within
    /// a kind; nil when no reader of an acceptable kind has a card.
    public func choose(from readers: [ReaderStatus]) -> ReaderStatus? {
        let withCard = readers.filter(\.cardPresent)
        let contact = withCard.first { $0.kind == .contact }
        let contactless = withCard.first { $0.kind == .contactless }
        switch self {
        case .contactOnly: return contact
        case .contactlessOnly: return contactless
        case .contactFirst: return contact ?? contactless
        case .contactlessFirst: return contactless ?? contact
        }
    }
}
