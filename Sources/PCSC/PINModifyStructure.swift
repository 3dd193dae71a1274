/// The `PIN_MODIFY_STRUCTURE` (PC/SC part 10) for the card's CHANGE PIN
/// command `80 5E 01 00 Lc <old PIN> FF <new PIN>`.
///
/// The reader asks for the current PIN, the new one and its confirmation,
/// and writes them at the two insertion offsets; the FF separator between
/// them is part of the pre-filled template.
public struct PINModifyStructure: Hashable, Sendable {
    public var format: PINEntryFormat

    public init(format: PINEntryFormat = PINEntryFormat()) {
        self.format = format
    }

    public var apduTemplate: [UInt8] {
        let length = 2 * format.blockSize + 1
        return [0x80, 0x5E, 0x01, 0x00, UInt8(length)] + [UInt8](repeating: 0xFF, count: length)
    }

    /// Old PIN at data offset 0, new PIN after the old block and separator.
    public var newPINOffset: UInt8 { UInt8(format.blockSize + 1) }

    public var bytes: [UInt8] {
        let apdu = apduTemplate
        var out: [UInt8] = []
        out.append(format.timeout)                  // bTimerOut
        out.append(format.interKeyTimeout)          // bTimerOut2
        out.append(format.formatString)             // bmFormatString
        out.append(format.pinBlockString)           // bmPINBlockString
        out.append(0x00)                            // bmPINLengthFormat
        out.append(0x00)                            // bInsertionOffsetOld
        out.append(newPINOffset)                    // bInsertionOffsetNew
        out += format.maxExtraDigitBytes            // wPINMaxExtraDigit
        out.append(0x03)                            // bConfirmPIN: ask current PIN, confirm new
        out.append(format.entryValidationCondition) // bEntryValidationCondition
        out.append(0x03)                            // bNumberMessage: current, new, confirm
        out += format.languageBytes                 // wLangId
        out += [0x00, 0x01, 0x02]                   // bMsgIndex1-3
        out += [0x00, 0x00, 0x00]                   // bTeoPrologue
        out += PINEntryFormat.littleEndian32(apdu.count) // ulDataLength
        out += apdu                                 // abData
        return out
    }
}
