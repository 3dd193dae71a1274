import SSCardValues
import Testing

/// The one masking policy: logs, errors, sscardctl and the kiosk's screen
/// all show personal data in these shapes.
@Suite struct PersonalDataTests {
    @Test(arguments: [("张三丰", "张**"), ("李四", "李*"), ("王", "王*"), ("", ""), ("欧阳娜娜", "欧***"),
                      ("ZHANG SAN", "Z********")])
    func namesKeepTheirFirstCharacter(_ name: String, _ masked: String) {
        #expect(PersonalData.maskName(name) == masked)
    }

    @Test func cardNumbersKeepTwoCharactersAtEachEnd() {
        #expect(PersonalData.maskCardNumber("A00000011") == "A0*****11")
        #expect(PersonalData.maskCardNumber("1234") == "****")
    }

    @Test func socialSecurityNumbersKeepFourAtEachEnd() {
        #expect(PersonalData.maskSSN("11010519491231002X") == "1101**********002X")
    }

    @Test func theValueTypesDescribeThemselvesMasked() throws {
        let ssn = try SocialSecurityNumber("11010519491231002X")
        #expect("\(ssn)" == PersonalData.maskSSN("11010519491231002X"))
    }

    @Test(arguments: [
        ("holder 11010519491231002X refused", "holder 1101**********002X refused"),
        ("a:110105194912310021,b", "a:1101**********0021,b"),
        ("lowercase 11010519491231002x", "lowercase 1101**********002x"),
        // Not SSN-shaped: shorter or longer runs stay as they are.
        ("seq 1234567 and 1101051949123100211", "seq 1234567 and 1101051949123100211"),
        ("no digits", "no digits"),
        // Inside a hexadecimal word of digest length — an audit head's SHA-256 — it is a digest.
        ("head 12:9f1101051949123100214e0c" + String(repeating: "ab", count: 18),
         "head 12:9f1101051949123100214e0c" + String(repeating: "ab", count: 18)),
        ("head 12:110105194912310021" + String(repeating: "c4", count: 23),
         "head 12:110105194912310021" + String(repeating: "c4", count: 23)),
        ("head 12:" + String(repeating: "e9", count: 23) + "110105194912310021",
         "head 12:" + String(repeating: "e9", count: 23) + "110105194912310021"),
        // Beside letters, hex ones included, in a word shorter than a digest, it is a number.
        ("ID110105194912310021", "ID1101**********0021"),
        ("cafe110105194912310021 fee", "cafe1101**********0021 fee"),
        ("12:9f110105194912310021c4e0", "12:9f1101**********0021c4e0"),
        ("ssn110105194912310021;", "ssn1101**********0021;"),
        ("持卡人110105194912310021的卡", "持卡人1101**********0021的卡"),
    ])
    func scrubMasksEverySSNShapedRun(_ text: String, _ scrubbed: String) {
        #expect(PersonalData.scrub(text) == scrubbed)
    }
}
