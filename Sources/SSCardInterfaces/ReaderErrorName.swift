import Varlink

/// The errors of org.sscard.Reader (Interfaces/org.sscard.Reader.varlink).
public enum ReaderErrorName: String, InterfaceMember {
    public static let interface = SSCardInterface.reader

    case noReader = "NoReader"
    case readerNotFound = "ReaderNotFound"
    case noCardInReader = "NoCardInReader"
    case severalCardsPresent = "SeveralCardsPresent"
    case cardFailed = "CardFailed"
    case pinFormat = "PinFormat"
    case chipBlocked = "ChipBlocked"
    case notForHolderCards = "NotForHolderCards"
    case readerUnavailable = "ReaderUnavailable"
    case readerUnresponsive = "ReaderUnresponsive"
    case readerBusy = "ReaderBusy"
    case permissionDenied = "PermissionDenied"
}

extension VarlinkError {
    /// An org.sscard.Reader error with its parameters.
    public init(_ error: ReaderErrorName, _ parameters: [WireKey: JSONValue] = [:]) {
        self.init(error.name, .fields(parameters))
    }

    /// Whether this is the given org.sscard.Reader error.
    public func `is`(_ error: ReaderErrorName) -> Bool { name == error.name }
}
