/// A social security number (社会保障号码): the holder's 18-character citizen
/// identity number, validated by the GB 11643 / ISO 7064 MOD 11-2 check character.
///
/// Construction is the only validation point; a value of this type is always
/// well formed, so layers above never re-check it.
public struct SocialSecurityNumber: ValidatedText, CustomStringConvertible {
    /// The 18 characters, with a lower-case `x` normalised to `X`.
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    public init(_ text: String) throws(ValueError) {
        // Byte-wise: this runs for every card read and every call that names
        // a holder, and Character properties cost more than the whole check.
        let field = "ssn"
        var bytes = Array(text.utf8)
        guard bytes.count == 18 else {
            throw .wrongLength(field: field, expected: "18 characters", actual: text.count)
        }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        var sum = 0
        var digits = [Int](repeating: 0, count: 17)
        for index in 0..<17 {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidCharacter(field: field, position: index + 1)
            }
            digits[index] = Int(byte - UInt8(ascii: "0"))
            sum += digits[index] * Self.weights[index]
        }
        let last = bytes[17]
        guard (last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9")) || last == UInt8(ascii: "X") else {
            throw .invalidCharacter(field: field, position: 18)
        }
        guard CalendarDate.isValid(year: digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9],
                                   month: digits[10] * 10 + digits[11],
                                   day: digits[12] * 10 + digits[13]) else {
            throw .invalidDate(field: field)
        }
        guard Self.checkCharacters[sum % 11] == last else {
            throw .checkDigitMismatch(field: field)
        }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    /// The six-digit administrative region code of the holder's registration.
    public var regionCode: String { String(rawValue.prefix(6)) }

    /// The birth date encoded in positions 7-14, as YYYYMMDD.
    public var birthDate: String { String(rawValue.dropFirst(6).prefix(8)) }

    /// Masked for logs: the region prefix and the last four characters stay.
    public var description: String { PersonalData.maskSSN(rawValue) }
}
