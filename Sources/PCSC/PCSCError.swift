import CPCSCLite

/// A PC/SC failure as the value libpcsclite returned.
///
/// Kept as the raw `LONG` so that codes we do not name still round-trip; the
/// description uses the PC/SC name ("SCARD_E_NO_SERVICE") because that is
/// what operators and pcscd's own logs use.
public struct PCSCError: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    init(_ code: Int) { self.init(rawValue: code) }

    public static let internalError = PCSCError(Int(SCARD_F_INTERNAL_ERROR))
    public static let cancelled = PCSCError(Int(SCARD_E_CANCELLED))
    public static let invalidHandle = PCSCError(Int(SCARD_E_INVALID_HANDLE))
    public static let invalidParameter = PCSCError(Int(SCARD_E_INVALID_PARAMETER))
    public static let insufficientBuffer = PCSCError(Int(SCARD_E_INSUFFICIENT_BUFFER))
    public static let unknownReader = PCSCError(Int(SCARD_E_UNKNOWN_READER))
    public static let timeout = PCSCError(Int(SCARD_E_TIMEOUT))
    public static let sharingViolation = PCSCError(Int(SCARD_E_SHARING_VIOLATION))
    public static let noSmartcard = PCSCError(Int(SCARD_E_NO_SMARTCARD))
    public static let protocolMismatch = PCSCError(Int(SCARD_E_PROTO_MISMATCH))
    public static let notReady = PCSCError(Int(SCARD_E_NOT_READY))
    public static let invalidValue = PCSCError(Int(SCARD_E_INVALID_VALUE))
    public static let commError = PCSCError(Int(SCARD_F_COMM_ERROR))
    public static let unknownError = PCSCError(Int(SCARD_F_UNKNOWN_ERROR))
    /// What pcscd returns when the reader driver fails an exchange, e.g.
    /// the card left in the middle of it.
    public static let notTransacted = PCSCError(Int(SCARD_E_NOT_TRANSACTED))
    public static let readerUnavailable = PCSCError(Int(SCARD_E_READER_UNAVAILABLE))
    public static let noService = PCSCError(Int(SCARD_E_NO_SERVICE))
    public static let serviceStopped = PCSCError(Int(SCARD_E_SERVICE_STOPPED))
    public static let unsupportedFeature = PCSCError(Int(SCARD_E_UNSUPPORTED_FEATURE))
    public static let noReadersAvailable = PCSCError(Int(SCARD_E_NO_READERS_AVAILABLE))
    public static let commDataLost = PCSCError(Int(SCARD_E_COMM_DATA_LOST))
    public static let unsupportedCard = PCSCError(Int(SCARD_W_UNSUPPORTED_CARD))
    public static let unresponsiveCard = PCSCError(Int(SCARD_W_UNRESPONSIVE_CARD))
    public static let unpoweredCard = PCSCError(Int(SCARD_W_UNPOWERED_CARD))
    public static let resetCard = PCSCError(Int(SCARD_W_RESET_CARD))
    public static let removedCard = PCSCError(Int(SCARD_W_REMOVED_CARD))

    /// The resource manager went away: the context must be released and
    /// established again before anything else can work.
    public var isServiceLoss: Bool { self == .noService || self == .serviceStopped }

    /// The card left the reader or stopped answering: a new connection (and
    /// a new card) is needed.
    public var isCardGone: Bool {
        [.removedCard, .noSmartcard, .unresponsiveCard, .unpoweredCard, .resetCard, .commError, .notTransacted,
         .readerUnavailable].contains(self)
    }

    static let names: [Int: String] = [
        Int(SCARD_F_INTERNAL_ERROR): "SCARD_F_INTERNAL_ERROR",
        Int(SCARD_E_CANCELLED): "SCARD_E_CANCELLED",
        Int(SCARD_E_INVALID_HANDLE): "SCARD_E_INVALID_HANDLE",
        Int(SCARD_E_INVALID_PARAMETER): "SCARD_E_INVALID_PARAMETER",
        Int(SCARD_E_INVALID_TARGET): "SCARD_E_INVALID_TARGET",
        Int(SCARD_E_NO_MEMORY): "SCARD_E_NO_MEMORY",
        Int(SCARD_F_WAITED_TOO_LONG): "SCARD_F_WAITED_TOO_LONG",
        Int(SCARD_E_INSUFFICIENT_BUFFER): "SCARD_E_INSUFFICIENT_BUFFER",
        Int(SCARD_E_UNKNOWN_READER): "SCARD_E_UNKNOWN_READER",
        Int(SCARD_E_TIMEOUT): "SCARD_E_TIMEOUT",
        Int(SCARD_E_SHARING_VIOLATION): "SCARD_E_SHARING_VIOLATION",
        Int(SCARD_E_NO_SMARTCARD): "SCARD_E_NO_SMARTCARD",
        Int(SCARD_E_UNKNOWN_CARD): "SCARD_E_UNKNOWN_CARD",
        Int(SCARD_E_CANT_DISPOSE): "SCARD_E_CANT_DISPOSE",
        Int(SCARD_E_PROTO_MISMATCH): "SCARD_E_PROTO_MISMATCH",
        Int(SCARD_E_NOT_READY): "SCARD_E_NOT_READY",
        Int(SCARD_E_INVALID_VALUE): "SCARD_E_INVALID_VALUE",
        Int(SCARD_E_SYSTEM_CANCELLED): "SCARD_E_SYSTEM_CANCELLED",
        Int(SCARD_F_COMM_ERROR): "SCARD_F_COMM_ERROR",
        Int(SCARD_F_UNKNOWN_ERROR): "SCARD_F_UNKNOWN_ERROR",
        Int(SCARD_E_INVALID_ATR): "SCARD_E_INVALID_ATR",
        Int(SCARD_E_NOT_TRANSACTED): "SCARD_E_NOT_TRANSACTED",
        Int(SCARD_E_READER_UNAVAILABLE): "SCARD_E_READER_UNAVAILABLE",
        Int(SCARD_P_SHUTDOWN): "SCARD_P_SHUTDOWN",
        Int(SCARD_E_PCI_TOO_SMALL): "SCARD_E_PCI_TOO_SMALL",
        Int(SCARD_E_READER_UNSUPPORTED): "SCARD_E_READER_UNSUPPORTED",
        Int(SCARD_E_DUPLICATE_READER): "SCARD_E_DUPLICATE_READER",
        Int(SCARD_E_CARD_UNSUPPORTED): "SCARD_E_CARD_UNSUPPORTED",
        Int(SCARD_E_NO_SERVICE): "SCARD_E_NO_SERVICE",
        Int(SCARD_E_SERVICE_STOPPED): "SCARD_E_SERVICE_STOPPED",
        Int(SCARD_E_UNSUPPORTED_FEATURE): "SCARD_E_UNSUPPORTED_FEATURE",
        Int(SCARD_E_NO_READERS_AVAILABLE): "SCARD_E_NO_READERS_AVAILABLE",
        Int(SCARD_E_COMM_DATA_LOST): "SCARD_E_COMM_DATA_LOST",
        Int(SCARD_E_SERVER_TOO_BUSY): "SCARD_E_SERVER_TOO_BUSY",
        Int(SCARD_W_UNSUPPORTED_CARD): "SCARD_W_UNSUPPORTED_CARD",
        Int(SCARD_W_UNRESPONSIVE_CARD): "SCARD_W_UNRESPONSIVE_CARD",
        Int(SCARD_W_UNPOWERED_CARD): "SCARD_W_UNPOWERED_CARD",
        Int(SCARD_W_RESET_CARD): "SCARD_W_RESET_CARD",
        Int(SCARD_W_REMOVED_CARD): "SCARD_W_REMOVED_CARD",
        Int(SCARD_W_SECURITY_VIOLATION): "SCARD_W_SECURITY_VIOLATION",
        Int(SCARD_W_WRONG_CHV): "SCARD_W_WRONG_CHV",
        Int(SCARD_W_CHV_BLOCKED): "SCARD_W_CHV_BLOCKED",
    ]

    /// "SCARD_E_NO_SERVICE (0x8010001D)"; unnamed codes show the hex only.
    public var description: String {
        let hex = "0x" + String(UInt32(truncatingIfNeeded: rawValue), radix: 16, uppercase: true)
        guard let name = Self.names[rawValue] else { return "PC/SC error \(hex)" }
        return "\(name) (\(hex))"
    }

    /// Turns a libpcsclite return value into a thrown error.
    @inline(__always)
    static func check(_ code: Int) throws(PCSCError) {
        if code != Int(SCARD_S_SUCCESS) { throw PCSCError(rawValue: code) }
    }
}
