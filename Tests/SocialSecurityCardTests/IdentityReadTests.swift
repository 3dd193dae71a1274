import Foundation
import Testing
import PCSC
import SSCardValues
@testable import SocialSecurityCard

@Suite struct IdentityReadTests {
    @Test func readsTheIdentityWithThirteenAPDUs() throws {
        let card = ScriptedCard(CardFixture.identityScript())
        let application = SocialSecurityApplication(channel: card)
        let identity = try application.readIdentity()
        #expect(card.isFinished)
        #expect(card.sent.count == 13)
        #expect(application.commandsSent == 13)
        #expect(SocialSecurityApplication.identityCommandCount == 13)

        #expect(identity.cardNumber.rawValue == "X00000019")
        #expect(identity.ssn.rawValue == "11010519491231002X")
        #expect(identity.name.rawValue == CardFixture.name)
        #expect(identity.name.rawValue.unicodeScalars.contains("\u{20000}"))
        #expect(identity.cardId.rawValue == "639900D15600000500BF7C7A48FB4966")
        #expect(identity.region == "639900")
        #expect(identity.specVersion == "2.00")
        #expect(identity.generation == 2)
        #expect(identity.keyAlgorithm == .tripleDES)
        #expect(identity.issueDate.description == "2010-10-01")
        #expect(identity.expiryDate.description == "2020-10-01")
        #expect(identity.birthDate.description == "1949-12-31")
        #expect(identity.sex == .female)
        #expect(identity.ethnicity == "05")
        #expect(identity.birthplace == "6501")
        #expect(identity.atr == CardFixture.atr)
        #expect(application.identity == identity)
    }

    @Test func absentNameExtensionIsNotAnError() throws {
        let short = "091E" + CardFixture.ascii("ZHANG SAN") + String(repeating: "00", count: 21) + "9000"
        let card = ScriptedCard(CardFixture.identityScript(replacing: [.name: short, .nameExtension: "6A83"]))
        let identity = try SocialSecurityApplication(channel: card).readIdentity()
        #expect(identity.name.rawValue == "ZHANG SAN")
        #expect(card.isFinished)
    }

    @Test func descriptionMasksPersonalData() throws {
        let identity = try CardIdentity(responses: CardFixture.responses, atr: CardFixture.atr)
        let text = "\(identity)"
        #expect(!text.contains("11010519491231002X"))
        #expect(!text.contains("X00000019"))
        #expect(!text.contains("热合曼"))
    }

    @Test func selectFailureIsTyped() {
        let card = ScriptedCard([(CardFixture.select, "6A82")])
        #expect(throws: CardError.applicationNotFound(.fileNotFound)) {
            try SocialSecurityApplication(channel: card).readIdentity()
        }
    }

    @Test func missingRequiredRecordNamesTheField() {
        let card = ScriptedCard(Array(CardFixture.identityScript(replacing: [.ssn: "6A83"])))
        #expect(throws: CardError.recordNotFound(.ssn, .recordNotFound)) {
            try SocialSecurityApplication(channel: card).readIdentity()
        }
    }

    @Test func channelFailureIsTyped() {
        let card = ScriptedCard([])
        card.failWith = ScriptedCard.Mismatch(description: "reader removed")
        #expect(throws: CardError.transmission(.selectApplication, reason: "reader removed")) {
            try SocialSecurityApplication(channel: card).readIdentity()
        }
    }

    @Test func basicInfoExactString() throws {
        let identity = try CardIdentity(responses: CardFixture.responses, atr: CardFixture.atr)
        let info = try BasicInfo(identity: identity, terminalNumber: "T0001", terminalDevice: "DEV|42\n")
        #expect(info.text == "639900|11010519491231002X|X00000019|639900D15600000500BF7C7A48FB4966|"
                + "阿依古丽\u{20000}热合曼努尔阿不都·买买提|00814E43238697159900BF7C7A|2.00|20101001|20201001|T0001|DEV42|")
        #expect(!info.description.contains("11010519491231002X"))
        let empty = try BasicInfo(identity: identity)
        #expect(empty.text.hasSuffix("|20201001|||"))
    }
}

@Suite struct DecodingRuleTests {
    static func decode(_ overrides: [CardField: String]) throws(CardError) -> CardIdentity {
        var responses = CardFixture.responses
        for (field, hex) in overrides { responses[field] = ResponseAPDU(bytes: Hex.decode(hex)!) }
        return try CardIdentity(responses: responses, atr: CardFixture.atr)
    }

    struct Rejection: Sendable, CustomTestStringConvertible {
        var overrides: [CardField: String]
        var error: CardError
        init(_ field: CardField, _ hex: String, _ error: CardError) {
            overrides = [field: hex]
            self.error = error
        }
        init(_ overrides: [CardField: String], _ error: CardError) {
            self.overrides = overrides
            self.error = error
        }
        var testDescription: String { error.description }
    }

    static let ssnBadCheck: String = "0812" + CardFixture.ascii("110105194912310021") + "9000"
    static let ssnWrongTag: String = "0712" + CardFixture.ascii("11010519491231002X") + "9000"
    static let ssnShort: String = "0811" + CardFixture.ascii("11010519491231002") + "9000"
    static let cardNumberBadCheck: String = "0709" + CardFixture.ascii("X00000018") + "9000"
    static let cardNumberNotASCII: String = "0709C8" + String(repeating: "30", count: 8) + "9000"
    static let specBad: String = "0304" + CardFixture.ascii("2-00") + "9000"
    static let nameBad: String = "091E80" + String(repeating: "00", count: 29) + "9000"
    static let nameEmpty: String = "091E" + String(repeating: "00", count: 30) + "9000"
    static let cardIdBad: String = "0110639900D15600000600BF7C7A48FB49669000"

    static let rejections: [Rejection] = [
        Rejection(.issueDate, "05042010100F9000", .invalidField(.issueDate, .invalidBCD)),
        Rejection(.issueDate, "05042010A0019000", .invalidField(.issueDate, .invalidBCD)),
        Rejection(.issueDate, "0504201013019000",
                  .invalidField(.issueDate, .invalidValue(.invalidDate(field: "EF05 tag 05")))),
        Rejection(.birthplace, "0C0365F1FF9000", .invalidField(.birthplace, .invalidBCD)),
        Rejection(.ethnicity, "0B010F9000", .invalidField(.ethnicity, .invalidBCD)),
        Rejection(.sex, "0A01339000", .invalidField(.sex, .unknownCode)),
        Rejection(.specVersion, specBad, .invalidField(.specVersion, .unknownCode)),
        Rejection(.ssn, ssnBadCheck, .invalidField(.ssn, .invalidValue(.checkDigitMismatch(field: "ssn")))),
        Rejection(.cardNumber, cardNumberBadCheck,
                  .invalidField(.cardNumber, .invalidValue(.checkDigitMismatch(field: "cardNumber")))),
        Rejection(.cardNumber, cardNumberNotASCII, .invalidField(.cardNumber, .notASCII)),
        Rejection(.name, nameBad, .invalidField(.name, .invalidGB18030)),
        Rejection(.nameExtension, "4E0295329000", .invalidField(.nameExtension, .invalidGB18030)),
        Rejection([.name: nameEmpty, .nameExtension: "6A83"],
                  .invalidField(.name, .invalidValue(.empty(field: "name")))),
        Rejection(.ssn, "08129000", .truncatedRecord(.ssn, received: 2)),
        Rejection(.ssn, "089000", .truncatedRecord(.ssn, received: 1)),
        Rejection(.ssn, ssnWrongTag, .wrongTag(.ssn, found: 0x07)),
        Rejection(.ssn, ssnShort, .wrongLength(.ssn, actual: 17)),
        Rejection(.sex, "0A0132009000", .wrongLength(.sex, actual: 2)),
        Rejection(.nameExtension, "4E01006A82", .recordNotFound(.nameExtension, .fileNotFound)),
        Rejection(.cardId, cardIdBad,
                  .invalidField(.cardId, .invalidValue(.invalidCharacter(field: "cardId", position: 16)))),
    ]

    @Test(arguments: rejections)
    func rejects(_ rejection: Rejection) {
        #expect(throws: rejection.error) { try Self.decode(rejection.overrides) }
    }

    @Test func errorsNeverShowThePersonalValue() {
        do {
            _ = try Self.decode([.ssn: Self.ssnBadCheck])
            Issue.record("bad check digit accepted")
        } catch {
            #expect(!error.description.contains("11010519491231002"))
            #expect(error.description.contains("EF06 tag 08"))
        }
    }

    @Test func wellFormedGB18030Grammar() {
        #expect(FieldDecoding.isWellFormedGB18030(Hex.decode("D5C5C8FD95328236")!))
        #expect(!FieldDecoding.isWellFormedGB18030([0x80]))
        #expect(!FieldDecoding.isWellFormedGB18030([0xFF, 0x40]))
        #expect(!FieldDecoding.isWellFormedGB18030([0xD5]))
        #expect(!FieldDecoding.isWellFormedGB18030([0x95, 0x32, 0x82]))
        #expect(!FieldDecoding.isWellFormedGB18030([0x95, 0x32, 0x30, 0x36]))
    }
}
