/// The card identification code (卡识别码): 16 bytes written as 32 hex digits.
///
/// The first three bytes are the BCD issuing region (行政区划代码), followed by
/// the registered application provider `D156000005`. The registry keys chip
/// identities by this code, so that a lost or cancelled chip can never be
/// bound again.
public struct CardIdentificationCode: ValidatedText, CustomStringConvertible {
    /// 32 upper-case hex digits.
    public let rawValue: String

    static let provider = "D156000005"

    public init(_ text: String) throws(ValueError) {
        let field = "cardId"
        let chars = Array(text.uppercased())
        guard chars.count == 32 else {
            throw .wrongLength(field: field, expected: "32 hex digits", actual: chars.count)
        }
        for (index, char) in chars.enumerated() where !char.isHexDigit || !char.isASCII {
            throw .invalidCharacter(field: field, position: index + 1)
        }
        for (index, char) in chars.prefix(6).enumerated() where !char.isNumber {
            throw .invalidCharacter(field: field, position: index + 1)
        }
        let provider = String(chars[6..<16])
        guard provider == Self.provider else {
            throw .invalidCharacter(field: field, position: 7 + zip(provider, Self.provider).prefix { $0 == $1 }.count)
        }
        rawValue = String(chars)
    }

    /// Builds the code from the 16 bytes read from the chip (EF05 tag 01).
    public init(bytes: [UInt8]) throws(ValueError) {
        guard bytes.count == 16 else {
            throw .wrongLength(field: "cardId", expected: "16 bytes", actual: bytes.count)
        }
        try self.init(Hex.encode(bytes))
    }

    /// The six-digit issuing region code, the first field of iReadCardBas.
    public var regionCode: String { String(rawValue.prefix(6)) }

    public var description: String { PersonalData.mask(rawValue, keepingPrefix: 6, suffix: 4) }
}
