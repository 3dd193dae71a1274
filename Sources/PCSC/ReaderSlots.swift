/// What each PC/SC reader (slot) is for, beyond what its name says: the
/// configuration's kinds for slots whose names say nothing
/// (`reader-slots.KIND = name | name` in sscardd.conf), and readers reserved
/// for something else, such as the PSAM's reader, which never hold a
/// holder's card whatever their names.
public struct ReaderSlots: Hashable, Sendable {
    /// Reader name → kind, overriding the name and ATR.
    public var kinds: [String: ReaderKind]
    /// Readers never used for a holder's card.
    public var reserved: Set<String>

    public init(kinds: [String: ReaderKind] = [:], reserved: Set<String> = []) {
        self.kinds = kinds
        self.reserved = reserved
    }

    /// The configured kind, else what the name and ATR say.
    public func kind(of status: ReaderStatus) -> ReaderKind {
        kinds[status.reader] ?? status.kind
    }

    /// Whether a holder's card may be sought or used in this reader: not a
    /// SAM slot, not a reserved reader.
    public func holdsHolderCards(_ status: ReaderStatus) -> Bool {
        !reserved.contains(status.reader) && kind(of: status) != .sam
    }

    /// Why `status`'s reader is never used for a holder's card, or nil if it may be.
    public func refusal(_ status: ReaderStatus) -> String? {
        if reserved.contains(status.reader) { return "the reader is reserved for the security module (PSAM)" }
        if kind(of: status) == .sam { return "the reader is a SAM slot, which holds a security module, not a holder's card" }
        return nil
    }
}
