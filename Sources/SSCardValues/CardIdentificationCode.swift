/// The card identification code (卡识别码): 16 bytes written as 32 hex digits.
///
/// The first three bytes are the BCD issuing region (行政区划代码), followed by
/// the registered application provider `D156000005`. The registry keys chip
/// identities by this code, so that a lost or cancelled chip can never be
/// bound again.
public struct CardIdentificationCode: ValidatedText, CustomStringConvertible {
    /// 32 upper-case hex digits.
    public let rawValue: String

    static let provider = Array("D156000005".utf8)

    public init(_ text: String) throws(ValueError) {
        let field = "cardId"
        let bytes = Array(text.utf8).map(CardNumber.uppercased)
        guard bytes.count == 32 else {
            throw .wrongLength(field: field, expected: "32 hex digits", actual: text.count)
        }
        for (index, byte) in bytes.enumerated() {
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let isHexLetter = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F")
            guard isDigit || (isHexLetter && index >= 6) else {
                throw .invalidCharacter(field: field, position: index + 1)
            }
        }
        for (offset, expected) in Self.provider.enumerated() where bytes[6 + offset] != expected {
            throw .invalidCharacter(field: field, position: 7 + offset)
        }
        rawValue = String(decoding: bytes, as: UTF8.self)
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

    public var description: String { PersonalData.maskIdentificationCode(rawValue) }
}
