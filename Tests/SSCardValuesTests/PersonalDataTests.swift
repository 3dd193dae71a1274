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
        // Inside a hexadecimal word — an audit head's SHA-256 — it is a digest, not a number.
        ("head 12:9f110105194912310021c4e0", "head 12:9f110105194912310021c4e0"),
        ("head 12:110105194912310021ab", "head 12:110105194912310021ab"),
        ("head 12:ab110105194912310021", "head 12:ab110105194912310021"),
        // Beside any other letter or sign it is still masked.
        ("ssn110105194912310021;", "ssn1101**********0021;"),
        ("持卡人110105194912310021的卡", "持卡人1101**********0021的卡"),
    ])
    func scrubMasksEverySSNShapedRun(_ text: String, _ scrubbed: String) {
        #expect(PersonalData.scrub(text) == scrubbed)
    }
}
