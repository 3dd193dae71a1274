/// How the card wants a PIN typed on a PIN pad to be put into the APDU:
/// BCD digits, left-justified, F-padded to a fixed block.
///
/// Social security cards take a 6-digit PIN as 3 BCD bytes (`12 34 56`);
/// the interface allows 4 to 16 digits, in which case the block is sized for
/// the maximum and unused nibbles stay F (the template is pre-filled with
/// FF, and the reader only overwrites the nibbles it types).
public struct PINEntryFormat: Hashable, Sendable {
    public var minimumDigits: Int
    public var maximumDigits: Int
    /// Seconds the reader waits for the first key (0 = reader default).
    public var timeout: UInt8
    /// Seconds the reader waits after a key stroke.
    public var interKeyTimeout: UInt8
    /// Language of the reader's prompts: 0x0804 is zh-CN.
    public var languageID: UInt16

    public init(minimumDigits: Int = 6, maximumDigits: Int = 6, timeout: UInt8 = 30,
                interKeyTimeout: UInt8 = 15, languageID: UInt16 = 0x0804) {
        precondition((4...16).contains(minimumDigits) && (minimumDigits...16).contains(maximumDigits),
                     "PIN lengths are 4...16 digits")
        self.minimumDigits = minimumDigits
        self.maximumDigits = maximumDigits
        self.timeout = timeout
        self.interKeyTimeout = interKeyTimeout
        self.languageID = languageID
    }

    /// Bytes the PIN occupies in the APDU.
    public var blockSize: Int { (maximumDigits + 1) / 2 }

    /// System units are bytes (bit 7), PIN at offset 0 (bits 6-3), left
    /// justified (bit 2 clear), BCD (bits 1-0 = 01).
    var formatString: UInt8 { 0x80 | 0x01 }

    /// No PIN length field in the APDU (high nibble 0); block size below.
    var pinBlockString: UInt8 { UInt8(blockSize) }

    /// `wPINMaxExtraDigit` = min << 8 | max, little-endian on the wire.
    var maxExtraDigitBytes: [UInt8] { [UInt8(maximumDigits), UInt8(minimumDigits)] }

    var languageBytes: [UInt8] { [UInt8(languageID & 0xFF), UInt8(languageID >> 8)] }

    /// Entry ends when the validation key is pressed.
    var entryValidationCondition: UInt8 { 0x02 }

    static func littleEndian32(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
