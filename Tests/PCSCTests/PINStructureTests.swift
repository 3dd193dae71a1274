import PCSC
import Testing

@Suite("PC/SC part 10 PIN structures")
struct PINStructureTests {
    @Test("PIN_VERIFY_STRUCTURE for a 6-digit BCD PIN, byte for byte")
    func verifyStructure() {
        let bytes = PINVerifyStructure().bytes
        let expected: [UInt8] = [
            0x1E,                   // bTimerOut 30 s
            0x0F,                   // bTimerOut2 15 s
            0x81,                   // bmFormatString: bytes, offset 0, left, BCD
            0x03,                   // bmPINBlockString: no length field, 3-byte block
            0x00,                   // bmPINLengthFormat
            0x06, 0x06,             // wPINMaxExtraDigit 0x0606, little-endian
            0x02,                   // bEntryValidationCondition: OK key
            0x01,                   // bNumberMessage
            0x04, 0x08,             // wLangId 0x0804, little-endian
            0x00,                   // bMsgIndex
            0x00, 0x00, 0x00,       // bTeoPrologue
            0x08, 0x00, 0x00, 0x00, // ulDataLength 8, little-endian
            0x00, 0x20, 0x00, 0x00, 0x03, 0xFF, 0xFF, 0xFF,
        ]
        #expect(bytes == expected)
        #expect(bytes.count == 19 + 8)
    }

    @Test("a 4-8 digit PIN gets a 4-byte F-filled block and min/max in the right bytes")
    func verifyStructureVariableLength() {
        let format = PINEntryFormat(minimumDigits: 4, maximumDigits: 8, timeout: 0, interKeyTimeout: 0, languageID: 0x0409)
        let bytes = PINVerifyStructure(format: format).bytes
        #expect(bytes[0] == 0x00 && bytes[1] == 0x00)
        #expect(bytes[3] == 0x04)
        #expect(Array(bytes[5...6]) == [0x08, 0x04])     // max first: 0x0408 little-endian
        #expect(Array(bytes[9...10]) == [0x09, 0x04])
        #expect(Array(bytes[15...18]) == [0x09, 0x00, 0x00, 0x00])
        #expect(Array(bytes[19...]) == [0x00, 0x20, 0x00, 0x00, 0x04, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test("PIN_MODIFY_STRUCTURE for CHANGE PIN 80 5E 01 00, byte for byte")
    func modifyStructure() {
        let bytes = PINModifyStructure().bytes
        let expected: [UInt8] = [
            0x1E, 0x0F,             // bTimerOut, bTimerOut2
            0x81,                   // bmFormatString
            0x03,                   // bmPINBlockString
            0x00,                   // bmPINLengthFormat
            0x00,                   // bInsertionOffsetOld
            0x04,                   // bInsertionOffsetNew: after 3-byte old PIN + FF
            0x06, 0x06,             // wPINMaxExtraDigit
            0x03,                   // bConfirmPIN: current PIN + confirmation
            0x02,                   // bEntryValidationCondition
            0x03,                   // bNumberMessage
            0x04, 0x08,             // wLangId
            0x00, 0x01, 0x02,       // bMsgIndex1-3
            0x00, 0x00, 0x00,       // bTeoPrologue
            0x0C, 0x00, 0x00, 0x00, // ulDataLength 12
            0x80, 0x5E, 0x01, 0x00, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]
        #expect(bytes == expected)
        #expect(bytes.count == 24 + 12)
    }
}

@Suite("PC/SC part 10 feature list")
struct ReaderFeaturesTests {
    @Test("TLV list with verify and modify PIN direct gives their big-endian control codes")
    func parsesPINPadFeatures() throws {
        let tlv: [UInt8] = [0x06, 0x04, 0x42, 0x33, 0x00, 0x06,
                            0x07, 0x04, 0x42, 0x33, 0x00, 0x07,
                            0x12, 0x04, 0x42, 0x33, 0x00, 0x12]
        let features = try #require(ReaderFeatures(tlv: tlv))
        #expect(features.verifyPINDirect == 0x4233_0006)
        #expect(features.modifyPINDirect == 0x4233_0007)
        #expect(features.controlCodes[0x12] == 0x4233_0012)
        #expect(features.hasPINPad)
    }

    @Test("a reader without a PIN pad has no verify feature")
    func noPINPad() throws {
        let features = try #require(ReaderFeatures(tlv: [0x12, 0x04, 0x42, 0x33, 0x00, 0x12]))
        #expect(!features.hasPINPad)
        #expect(features.modifyPINDirect == nil)
        #expect(ReaderFeatures(tlv: [])?.controlCodes.isEmpty == true)
    }

    @Test("malformed lists are refused", arguments: [
        [0x06] as [UInt8], [0x06, 0x04, 0x42, 0x33], [0x06, 0x02, 0x42, 0x33],
    ])
    func malformed(tlv: [UInt8]) {
        #expect(ReaderFeatures(tlv: tlv) == nil)
    }

    @Test("a probe refused by the reader means no PIN pad; only a card or pcscd gone away ends the session")
    func probeRefusals() {
        for refusal in [PCSCError.internalError, .notTransacted, .commError, .unknownError, .invalidValue] {
            #expect(!ReaderFeatures.endsTheSession(refusal), "\(refusal)")
        }
        for gone in [PCSCError.removedCard, .noSmartcard, .noService, .serviceStopped, .invalidHandle, .readerUnavailable] {
            #expect(ReaderFeatures.endsTheSession(gone), "\(gone)")
        }
    }

    @Test("CM_IOCTL_GET_FEATURE_REQUEST is SCARD_CTL_CODE(3400)")
    func featureRequestCode() {
        #expect(ReaderFeatures.getFeatureRequest == 0x4200_0D48)
    }
}
