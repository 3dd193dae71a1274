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
        let bytes = Array(text.utf8).map(Self.uppercased)
        guard bytes.count == 9 else {
            throw .wrongLength(field: field, expected: "9 characters", actual: text.count)
        }
        var sum = 0
        for index in 0..<8 {
            guard let value = Self.value(of: bytes[index]) else {
                throw .invalidCharacter(field: field, position: index + 1)
            }
            sum += value * Self.weights[index]
        }
        let last = bytes[8]
        guard (last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9")) || last == UInt8(ascii: "X") else {
            throw .invalidCharacter(field: field, position: 9)
        }
        guard last == Self.checkCharacter(sum) else { throw .checkDigitMismatch(field: field) }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the check character to an 8-character body. Used by card
    /// production and by test fixtures that need many valid numbers.
    public static func withCheckCharacter(body: String) throws(ValueError) -> CardNumber {
        let bytes = Array(body.utf8).map(uppercased)
        guard bytes.count == 8 else {
            throw .wrongLength(field: "cardNumber body", expected: "8 characters", actual: body.count)
        }
        var sum = 0
        for (index, byte) in bytes.enumerated() {
            guard let value = value(of: byte) else {
                throw .invalidCharacter(field: "cardNumber body", position: index + 1)
            }
            sum += value * weights[index]
        }
        return try CardNumber(String(decoding: bytes + [checkCharacter(sum)], as: UTF8.self))
    }

    static func uppercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
    }

    static func value(of byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    static func checkCharacter(_ sum: Int) -> UInt8 {
        switch 11 - sum % 11 {
        case 10: return UInt8(ascii: "X")
        case 11: return UInt8(ascii: "0")
        case let digit: return UInt8(ascii: "0") + UInt8(digit)
        }
    }

    /// Card numbers are printed on the card and are not secret, but together
    /// with a name they identify a person; logs keep the first and last two.
    public var description: String { PersonalData.maskCardNumber(rawValue) }
}
