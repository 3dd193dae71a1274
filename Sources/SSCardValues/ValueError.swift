/// Why a value handed to sscard is not a valid social security value.
///
/// Every case says *what* is wrong and *where* (the field and, where it helps,
/// the character position), so that an operator or a client can fix the input.
/// The offending value itself is never included: it is personal data.
public enum ValueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The value has the wrong number of characters (or bytes, for names).
    case wrongLength(field: String, expected: String, actual: Int)
    /// A character that the field's alphabet does not allow, at a 1-based position.
    case invalidCharacter(field: String, position: Int)
    /// The check character does not match the body.
    case checkDigitMismatch(field: String)
    /// A date that does not exist in the calendar (e.g. 0230).
    case invalidDate(field: String)
    /// Text that cannot be written in GB18030, the card's character set.
    case notEncodable(field: String)
    /// An empty value where one is required.
    case empty(field: String)

    public var description: String {
        switch self {
        case let .wrongLength(field, expected, actual):
            return "\(field): expected \(expected), got \(actual)"
        case let .invalidCharacter(field, position):
            return "\(field): invalid character at position \(position)"
        case let .checkDigitMismatch(field):
            return "\(field): check character does not match"
        case let .invalidDate(field):
            return "\(field): not a valid calendar date"
        case let .notEncodable(field):
            return "\(field): contains characters that GB18030 cannot encode"
        case let .empty(field):
            return "\(field): must not be empty"
        }
    }
}
