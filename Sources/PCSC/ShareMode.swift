import CPCSCLite

/// How a connection shares the card with other applications.
public enum ShareMode: Sendable {
    /// Others may use the card between our transactions (reads at a kiosk).
    case shared
    /// Nobody else may use the card while connected: PIN operations, so that
    /// no other process can slip an APDU between VERIFY and what it unlocks.
    case exclusive
    /// Talks to the reader without a card (SCardControl only).
    case direct

    var rawValue: DWORD {
        switch self {
        case .shared: return DWORD(SCARD_SHARE_SHARED)
        case .exclusive: return DWORD(SCARD_SHARE_EXCLUSIVE)
        case .direct: return DWORD(SCARD_SHARE_DIRECT)
        }
    }
}

/// The transmission protocols a connection may use.
public struct CardProtocols: OptionSet, Hashable, Sendable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }

    public static let t0 = CardProtocols(rawValue: UInt(SCARD_PROTOCOL_T0))
    public static let t1 = CardProtocols(rawValue: UInt(SCARD_PROTOCOL_T1))
}

/// What happens to the card when a connection ends.
public enum Disposition: Sendable {
    case leave, reset, unpower

    var rawValue: DWORD {
        switch self {
        case .leave: return DWORD(SCARD_LEAVE_CARD)
        case .reset: return DWORD(SCARD_RESET_CARD)
        case .unpower: return DWORD(SCARD_UNPOWER_CARD)
        }
    }
}
