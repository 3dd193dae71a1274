import Testing
@testable import SSCardValues

@Suite struct SocialSecurityNumberTests {
    @Test(arguments: ["11010519491231002X", "11010519491231002x", "440524188001010014", "110105199003071239", "320106200511150479"])
    func acceptsValidNumbers(_ text: String) throws {
        let ssn = try SocialSecurityNumber(text)
        #expect(ssn.rawValue == text.uppercased())
    }

    @Test func rejectsWrongCheckCharacter() {
        #expect(throws: ValueError.checkDigitMismatch(field: "ssn")) { try SocialSecurityNumber("110105194912310021") }
    }

    @Test func rejectsWrongLength() {
        #expect(throws: ValueError.wrongLength(field: "ssn", expected: "18 characters", actual: 17)) {
            try SocialSecurityNumber("11010519491231002")
        }
    }

    @Test func rejectsLetterInBodyWithPosition() {
        #expect(throws: ValueError.invalidCharacter(field: "ssn", position: 5)) { try SocialSecurityNumber("1101A519491231002X") }
    }

    @Test func rejectsImpossibleBirthDate() {
        // 1949-02-30 does not exist; the check character is computed for it so only the date fails.
        #expect(throws: ValueError.invalidDate(field: "ssn")) { try SocialSecurityNumber("110105194902300020") }
    }

    @Test func masksForLogs() throws {
        #expect(try SocialSecurityNumber("11010519491231002X").description == "1101**********002X")
    }
}
