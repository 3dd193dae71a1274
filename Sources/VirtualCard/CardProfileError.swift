/// Why a card profile file cannot be used; always names the field.
///
/// The offending value is never repeated: profiles hold PINs and personal
/// data, and these messages end up on a terminal or in CI logs.
public enum CardProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notJSON(reason: String)
    case missingField(String)
    case wrongType(field: String, expected: String)
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "card profile \(path): cannot read: \(reason)"
        case let .notJSON(reason): return "card profile: not a JSON object: \(reason)"
        case let .missingField(field): return "card profile: missing field \"\(field)\""
        case let .wrongType(field, expected): return "card profile: field \"\(field)\" must be \(expected)"
        case let .invalidValue(field, reason): return "card profile: field \"\(field)\": \(reason)"
        }
    }

    public var field: String? {
        switch self {
        case .unreadable, .notJSON: return nil
        case let .missingField(field), let .wrongType(field, _), let .invalidValue(field, _): return field
        }
    }
}
