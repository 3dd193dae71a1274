/// The reader interface's `iType`: which readers to try, in which order.
public enum ReaderPreference: Int, Sendable, Hashable, Codable, CaseIterable {
    /// 1: contact readers only.
    case contact = 1
    /// 2: contactless readers only.
    case contactless = 2
    /// 3: contact first, then contactless.
    case contactFirst = 3
    /// 4: contactless first, then contact.
    case contactlessFirst = 4

    /// Nil for an iType outside 1-4.
    public init?(iType: Int) {
        self.init(rawValue: iType)
    }

    public var iType: Int { rawValue }

    /// The readers to try, in order. Within one interface the given order is
    /// kept, so the caller's own order (e.g. PC/SC's) decides ties.
    public func order(_ readers: [ClassifiedReader]) -> [ClassifiedReader] {
        let contact = readers.filter { $0.interface == .contact }
        let contactless = readers.filter { $0.interface == .contactless }
        switch self {
        case .contact: return contact
        case .contactless: return contactless
        case .contactFirst: return contact + contactless
        case .contactlessFirst: return contactless + contact
        }
    }
}
