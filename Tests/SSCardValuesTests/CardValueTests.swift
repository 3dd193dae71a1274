import Testing
@testable import SSCardValues

@Suite struct CardNumberTests {
    @Test(arguments: ["X00000019", "x00000019"])
    func acceptsTheDocumentedExample(_ text: String) throws {
        #expect(try CardNumber(text).rawValue == "X00000019")
    }

    @Test func computesCheckCharacters() throws {
        #expect(try CardNumber.withCheckCharacter(body: "X0000001").rawValue == "X00000019")
        // Every body gives a number that validates, including check values 10 (X) and 11 (0).
        var seenX = false, seenZero = false
        for n in 0..<200 {
            let body = "A" + String(String(n).reversed()).padding(toLength: 7, withPad: "0", startingAt: 0)
            let number = try CardNumber.withCheckCharacter(body: body)
            #expect(try CardNumber(number.rawValue) == number)
            seenX = seenX || number.rawValue.hasSuffix("X")
            seenZero = seenZero || number.rawValue.hasSuffix("0")
        }
        #expect(seenX && seenZero)
    }

    @Test func rejectsBadNumbers() {
        #expect(throws: ValueError.checkDigitMismatch(field: "cardNumber")) { try CardNumber("X00000018") }
        #expect(throws: ValueError.invalidCharacter(field: "cardNumber", position: 3)) { try CardNumber("X0-000019") }
        #expect(throws: ValueError.wrongLength(field: "cardNumber", expected: "9 characters", actual: 8)) { try CardNumber("X0000001") }
    }

    @Test func masks() throws {
        #expect(try CardNumber("X00000019").description == "X0*****19")
    }
}

@Suite struct CardIdentificationCodeTests {
    @Test func acceptsTheDocumentedExample() throws {
        let code = try CardIdentificationCode("639900d15600000500bf7c7a48fb4966")
        #expect(code.rawValue == "639900D15600000500BF7C7A48FB4966")
        #expect(code.regionCode == "639900")
    }

    @Test func roundTripsBytes() throws {
        let bytes: [UInt8] = [0x63, 0x99, 0x00, 0xD1, 0x56, 0x00, 0x00, 0x05, 0x00, 0xBF, 0x7C, 0x7A, 0x48, 0xFB, 0x49, 0x66]
        #expect(try CardIdentificationCode(bytes: bytes).rawValue == "639900D15600000500BF7C7A48FB4966")
    }

    @Test func rejectsBadCodes() {
        #expect(throws: ValueError.wrongLength(field: "cardId", expected: "32 hex digits", actual: 31)) {
            try CardIdentificationCode("639900D15600000500BF7C7A48FB496")
        }
        #expect(throws: ValueError.invalidCharacter(field: "cardId", position: 32)) {
            try CardIdentificationCode("639900D15600000500BF7C7A48FB496G")
        }
        #expect(throws: ValueError.invalidCharacter(field: "cardId", position: 2)) {
            try CardIdentificationCode("6A9900D15600000500BF7C7A48FB4966")
        }
        #expect(throws: ValueError.invalidCharacter(field: "cardId", position: 11)) {
            try CardIdentificationCode("639900D15611000500BF7C7A48FB4966")
        }
    }
}

@Suite struct HolderNameTests {
    @Test func acceptsChineseIncludingFourByteCharacters() throws {
        let name = try HolderName("张𠀀三")
        #expect(name.gb18030Bytes.count == 8)
    }

    @Test func splitsLongNamesIntoTheExtension() throws {
        // 20 Han characters = 40 bytes: 30 in the field, 10 in the extension.
        let name = try HolderName(String(repeating: "张", count: 20))
        let fields = name.chipFields
        #expect(fields.name.count == 30)
        #expect(fields.extension.count == 10)
    }

    @Test func rejectsWhatTheChipCannotHold() {
        #expect(throws: ValueError.empty(field: "name")) { try HolderName("  ") }
        #expect(throws: ValueError.wrongLength(field: "name", expected: "at most 50 GB18030 bytes", actual: 52)) {
            try HolderName(String(repeating: "张", count: 26))
        }
        #expect(throws: ValueError.invalidCharacter(field: "name", position: 2)) { try HolderName("张\u{7}三") }
    }

    @Test func masks() throws {
        #expect(try HolderName("张三丰").description == "张**")
    }
}

@Suite struct CalendarDateTests {
    @Test func parsesBothForms() throws {
        #expect(try CalendarDate("20240229").description == "2024-02-29")
        #expect(try CalendarDate("2024-02-29").compact == "20240229")
    }

    @Test func rejectsImpossibleDates() {
        #expect(throws: ValueError.invalidDate(field: "date")) { try CalendarDate("20230229") }
        #expect(throws: ValueError.invalidCharacter(field: "date", position: 5)) { try CalendarDate("2023/02-28") }
    }
}

@Suite struct HexTests {
    @Test func roundTrips() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00ABFF")
        #expect(Hex.decode("00 ab:FF") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("ABC") == nil)
        #expect(Hex.decode("GG") == nil)
    }
}
