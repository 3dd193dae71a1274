/// A social security number (社会保障号码): the holder's 18-character citizen
/// identity number, validated by the GB 11643 / ISO 7064 MOD 11-2 check character.
///
/// Construction is the only validation point; a value of this type is always
/// well formed, so layers above never re-check it.
public struct SocialSecurityNumber: ValidatedText, CustomStringConvertible {
    /// The 18 characters, with a lower-case `x` normalised to `X`.
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    public init(_ text: String) throws(ValueError) {
        let field = "ssn"
        let chars = Array(text.uppercased())
        guard chars.count == 18 else {
            throw .wrongLength(field: field, expected: "18 characters", actual: chars.count)
        }
        var sum = 0
        for (index, char) in chars.prefix(17).enumerated() {
            guard let digit = char.wholeNumberValue, char.isASCII else {
                throw .invalidCharacter(field: field, position: index + 1)
            }
            sum += digit * Self.weights[index]
        }
        let last = chars[17]
        guard last.isASCII, last.isNumber || last == "X" else {
            throw .invalidCharacter(field: field, position: 18)
        }
        let digits = chars.compactMap(\.wholeNumberValue)
        guard CalendarDate.isValid(year: digits[6...9].reduce(0) { $0 * 10 + $1 },
                                   month: digits[10] * 10 + digits[11],
                                   day: digits[12] * 10 + digits[13]) else {
            throw .invalidDate(field: field)
        }
        guard Self.checkCharacters[sum % 11] == last else {
            throw .checkDigitMismatch(field: field)
        }
        rawValue = String(chars)
    }

    /// The six-digit administrative region code of the holder's registration.
    public var regionCode: String { String(rawValue.prefix(6)) }

    /// The birth date encoded in positions 7-14, as YYYYMMDD.
    public var birthDate: String { String(rawValue.dropFirst(6).prefix(8)) }

    /// Masked for logs: the region prefix and the last four characters stay.
    public var description: String { PersonalData.mask(rawValue, keepingPrefix: 4, suffix: 4) }
}
