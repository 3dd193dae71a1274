/// A card's answer to reset, parsed far enough (ISO 7816-3) to find its
/// historical bytes, which iReadCardBas reports as 卡复位信息.
public struct AnswerToReset: Sendable, Hashable {
    public let bytes: [UInt8]
    /// The K historical bytes after the interface bytes.
    public let historicalBytes: [UInt8]

    /// T0's low nibble is K, the number of historical bytes; its high nibble
    /// and each TDi's high nibble say which of TA, TB, TC, TD follow.
    public init(_ bytes: [UInt8]) throws(CardError) {
        guard bytes.count >= 2, bytes[0] == 0x3B || bytes[0] == 0x3F else { throw .malformedATR }
        let count = Int(bytes[1] & 0x0F)
        var presence = bytes[1] >> 4
        var index = 2
        while true {
            let interfaceBytes = (0..<4).filter { presence & (1 << $0) != 0 }.count
            let hasTD = presence & 0x08 != 0
            guard index + interfaceBytes <= bytes.count else { throw .malformedATR }
            index += interfaceBytes
            guard hasTD else { break }
            presence = bytes[index - 1] >> 4
        }
        guard index + count <= bytes.count else { throw .malformedATR }
        self.bytes = bytes
        historicalBytes = Array(bytes[index..<index + count])
    }

    /// PC/SC part 3 builds a pseudo-ATR `3B 8n 80 01 …` for contactless
    /// cards (TD1 = 80, TD2 = 01, no TA/TB/TC): it marks a card read
    /// through a contactless interface.
    public var isContactlessPseudoATR: Bool {
        bytes.count >= 4 && bytes[0] == 0x3B && bytes[1] & 0xF0 == 0x80 && bytes[2] == 0x80 && bytes[3] == 0x01
    }
}
