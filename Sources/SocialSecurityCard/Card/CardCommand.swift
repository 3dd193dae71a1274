/// The card commands sscard sends, named for errors and logs; an error
/// says which step failed without any of the data that was sent.
public enum CardCommand: Sendable, Hashable, CustomStringConvertible {
    case selectApplication
    case readRecord(CardField)
    case getChallenge
    case verifyPIN
    case changePIN
    case reloadPIN
    case unblockPIN
    case blockApplication
    case unblockApplication

    /// PIN commands and MAC'd commands: after any of them the chip may hold
    /// a verified state until it is reset.
    public var changesSecurityState: Bool {
        switch self {
        case .selectApplication, .readRecord, .getChallenge: return false
        case .verifyPIN, .changePIN, .reloadPIN, .unblockPIN, .blockApplication, .unblockApplication: return true
        }
    }

    public var description: String {
        switch self {
        case .selectApplication: return "SELECT SSSE"
        case let .readRecord(field): return "READ RECORD \(field)"
        case .getChallenge: return "GET CHALLENGE"
        case .verifyPIN: return "VERIFY PIN"
        case .changePIN: return "CHANGE PIN"
        case .reloadPIN: return "RELOAD PIN"
        case .unblockPIN: return "PIN UNBLOCK"
        case .blockApplication: return "APPLICATION BLOCK"
        case .unblockApplication: return "APPLICATION UNBLOCK"
        }
    }
}
