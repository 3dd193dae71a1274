import PCSC
import SSCardValues

/// Why a card operation failed. Every case names the command, file, tag or
/// field and, where the card said something, its status word; no case
/// carries a personal value, a PIN or key material, so errors may be logged
/// and shown to clients as they are.
public enum CardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The channel failed (reader removed, pcscd gone, card mute).
    case transmission(CardCommand, reason: String)
    /// SELECT SSSE was refused: not a social security card, or a damaged one.
    case applicationNotFound(StatusWord)
    /// A required record is absent.
    case recordNotFound(CardField, StatusWord)
    /// The card answered a status word the command does not expect.
    case unexpectedStatus(CardCommand, StatusWord)
    /// The response ended before the tag and length, or before the value the length announced.
    case truncatedRecord(CardField, received: Int)
    /// The response's tag is not the one asked for.
    case wrongTag(CardField, found: UInt8)
    /// The record's length byte is outside what the field allows, or bytes follow the value.
    case wrongLength(CardField, actual: Int)
    /// The value is there but does not decode.
    case invalidField(CardField, FieldProblem)
    /// The ATR does not follow ISO 7816-3 (too short for the bytes it announces).
    case malformedATR
    /// GET CHALLENGE returned the wrong number of bytes.
    case invalidChallenge(received: Int)
    /// `6A81`: the application is locked (temporarily) or the function is disabled.
    case applicationLocked(CardCommand)
    /// `9303`: the application is permanently locked.
    case applicationPermanentlyLocked(CardCommand)
    /// `6988`: the card rejected the MAC (wrong key, wrong diversification, stale challenge).
    case macRejected(CardCommand)
    /// The security module could not produce a MAC.
    case securityModule(SecurityModuleError)

    public var description: String {
        switch self {
        case let .transmission(command, reason): return "\(command): transmission failed: \(reason)"
        case let .applicationNotFound(status): return "SSSE application not found (\(status))"
        case let .recordNotFound(field, status): return "\(field): record not found (\(status))"
        case let .unexpectedStatus(command, status): return "\(command): card answered \(status)"
        case let .truncatedRecord(field, received): return "\(field): record truncated after \(received) bytes"
        case let .wrongTag(field, found):
            return "\(field): response has tag \(String(found, radix: 16, uppercase: true))"
        case let .wrongLength(field, actual): return "\(field): wrong length \(actual)"
        case let .invalidField(field, problem): return "\(field): \(problem)"
        case .malformedATR: return "ATR is malformed"
        case let .invalidChallenge(received): return "GET CHALLENGE returned \(received) bytes"
        case let .applicationLocked(command): return "\(command): application locked (6A81)"
        case let .applicationPermanentlyLocked(command): return "\(command): application permanently locked (9303)"
        case let .macRejected(command): return "\(command): card rejected the MAC (6988)"
        case let .securityModule(error): return error.description
        }
    }
}

/// What is wrong with a field's value. Like `ValueError`, it says what and
/// where, never the value.
public enum FieldProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// A nibble that is not a digit, or a digit after F padding.
    case invalidBCD
    /// Bytes that are not well-formed GB18030.
    case invalidGB18030
    /// An ASCII field holding other bytes.
    case notASCII
    /// A code outside the field's table (e.g. sex other than '1' / '2').
    case unknownCode
    /// The text decoded but is not a valid value.
    case invalidValue(ValueError)

    public var description: String {
        switch self {
        case .invalidBCD: return "invalid BCD"
        case .invalidGB18030: return "not valid GB18030"
        case .notASCII: return "not ASCII"
        case .unknownCode: return "unknown code"
        case let .invalidValue(error): return error.description
        }
    }
}
