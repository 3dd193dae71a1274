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
    /// a kind; nil when no reader of an acceptable kind has a card. SAM slots
    /// and reserved readers are never chosen.
    public func choose(from readers: [ReaderStatus], slots: ReaderSlots = .init()) -> ReaderStatus? {
        let withCard = readers.filter { $0.cardPresent && slots.holdsHolderCards($0) }
        let contact = withCard.first { slots.kind(of: $0) == .contact }
        let contactless = withCard.first { slots.kind(of: $0) == .contactless }
        switch self {
        case .contactOnly: return contact
        case .contactlessOnly: return contactless
        case .contactFirst: return contact ?? contactless
        case .contactlessFirst: return contactless ?? contact
        }
    }

    /// The outcome of choosing a holder's reader without one named.
    public enum Selection: Hashable, Sendable {
        case chosen(String)
        /// No reader that may hold a holder's card (of an acceptable kind) has one.
        case noCard
        /// More than one card, not just the two halves of one dual-interface
        /// reader: the caller must name one.
        case several([String])
    }

    /// Chooses the reader for a holder's card. Cards in SAM slots or reserved
    /// readers are not counted; iType 1 and 2 count only their kind. Two cards,
    /// one per interface, follow the iType preference (a dual-interface card
    /// shows up in both); any other several are refused with their readers.
    public func select(from readers: [ReaderStatus], slots: ReaderSlots = .init()) -> Selection {
        var withCard = readers.filter { $0.cardPresent && slots.holdsHolderCards($0) }
        switch self {
        case .contactOnly: withCard = withCard.filter { slots.kind(of: $0) == .contact }
        case .contactlessOnly: withCard = withCard.filter { slots.kind(of: $0) == .contactless }
        default: break
        }
        if withCard.count == 2, Set(withCard.map { slots.kind(of: $0) }).count == 2,
           let chosen = choose(from: withCard, slots: slots) {
            return .chosen(chosen.reader)
        }
        guard withCard.count <= 1 else { return .several(withCard.map(\.reader)) }
        guard let only = withCard.first else { return .noCard }
        return .chosen(only.reader)
    }
}
