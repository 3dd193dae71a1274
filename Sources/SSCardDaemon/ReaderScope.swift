/// The readers a caller may see and use: every reader (operators, admins,
/// and kiosks when no kiosk is bound), or the readers bound to a kiosk in
/// sscardd.conf (`kiosk-readers.NAME`), so that a kiosk cannot watch the
/// counter's readers or spend PIN tries on the cards in them.
public enum ReaderScope: Sendable, Equatable {
    case all
    case only(Set<String>)

    public func contains(_ reader: String) -> Bool {
        switch self {
        case .all: return true
        case let .only(names): return names.contains(reader)
        }
    }

    /// The one reader a restricted caller has, used when it names none.
    var soleReader: String? {
        if case let .only(names) = self, names.count == 1 { return names.first }
        return nil
    }
}
