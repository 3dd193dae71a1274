/// The `PIN_VERIFY_STRUCTURE` (PC/SC part 10) for the card's VERIFY
/// command `00 20 00 00 Lc <BCD PIN, F-padded>`.
///
/// Built by hand, byte by byte, because the C struct is packed and its
/// multi-byte fields are little-endian whatever the host is.
public struct PINVerifyStructure: Hashable, Sendable {
    public var format: PINEntryFormat

    public init(format: PINEntryFormat = PINEntryFormat()) {
        self.format = format
    }

    /// The APDU the reader completes with the typed digits.
    public var apduTemplate: [UInt8] {
        [0x00, 0x20, 0x00, 0x00, UInt8(format.blockSize)] + [UInt8](repeating: 0xFF, count: format.blockSize)
    }

    public var bytes: [UInt8] {
        let apdu = apduTemplate
        var out: [UInt8] = []
        out.append(format.timeout)                  // bTimerOut
        out.append(format.interKeyTimeout)          // bTimerOut2
        out.append(format.formatString)             // bmFormatString
        out.append(format.pinBlockString)           // bmPINBlockString
        out.append(0x00)                            // bmPINLengthFormat
        out += format.maxExtraDigitBytes            // wPINMaxExtraDigit
        out.append(format.entryValidationCondition) // bEntryValidationCondition
        out.append(0x01)                            // bNumberMessage
        out += format.languageBytes                 // wLangId
        out.append(0x00)                            // bMsgIndex
        out += [0x00, 0x00, 0x00]                   // bTeoPrologue
        out += PINEntryFormat.littleEndian32(apdu.count) // ulDataLength
        out += apdu                                 // abData
        return out
    }
}
