/// A card number (卡号): nine characters, eight body characters from 0-9 and A-Z
/// (A = 10 … Z = 35) and a check character.
///
/// Weights 3 7 9 10 5 8 4 2; check = 11 − (S mod 11), with 10 written `X`
/// and 11 written `0`. The check is how a mistyped card number is caught at
/// the counter instead of acting on somebody else's card.
public struct CardNumber: ValidatedText, CustomStringConvertible {
    public let rawValue: String

    static let weights = [3, 7, 9, 10, 5, 8, 4, 2]

    public init(_ text: String) throws(ValueError) {
        let field = "cardNumber"
        let chars = Array(text.uppercased())
        guard chars.count == 9 else {
            throw .wrongLength(field: field, expected: "9 characters", actual: chars.count)
        }
        var sum = 0
        for (index, char) in chars.prefix(8).enumerated() {
            guard let value = Self.value(of: char) else {
                throw .invalidCharacter(field: field, position: index + 1)
            }
            sum += value * Self.weights[index]
        }
        let expected = Self.checkCharacter(sum)
        let last = chars[8]
        guard last.isASCII, last.isNumber || last == "X" else {
            throw .invalidCharacter(field: field, position: 9)
        }
        guard last == expected else { throw .checkDigitMismatch(field: field) }
        rawValue = String(chars)
    }

    /// Appends the check character to an 8-character body. Used by card
    /// production and by test fixtures that need many valid numbers.
    public static func withCheckCharacter(body: String) throws(ValueError) -> CardNumber {
        let chars = Array(body.uppercased())
        guard chars.count == 8 else {
            throw .wrongLength(field: "cardNumber body", expected: "8 characters", actual: chars.count)
        }
        var sum = 0
        for (index, char) in chars.enumerated() {
            guard let value = value(of: char) else {
                throw .invalidCharacter(field: "cardNumber body", position: index + 1)
            }
            sum += value * weights[index]
        }
        return try CardNumber(String(chars) + String(checkCharacter(sum)))
    }

    static func value(of char: Character) -> Int? {
        guard char.isASCII, let ascii = char.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(ascii - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(ascii - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    static func checkCharacter(_ sum: Int) -> Character {
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let digit: return Character(String(digit))
        }
    }

    /// Card numbers are printed on the card and are not secret, but together
    /// with a name they identify a person; logs keep the first and last two.
    public var description: String { PersonalData.mask(rawValue, keepingPrefix: 2, suffix: 2) }
}
