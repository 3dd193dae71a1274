import Testing
import PCSC
import SSCardValues
@testable import SocialSecurityCard

/// MAC values are those of the worked example in docs/security-module.md,
/// computed independently with Python's `cryptography`.
@Suite struct PINCommandTests {
    static let select = (CardFixture.select, "9000")
    static let module = try! SoftwareSecurityModule(keyFile: """
        reloadPIN.3des = 0123456789ABCDEFFEDCBA9876543210
        unblockPIN.3des = 0123456789ABCDEFFEDCBA9876543210
        applicationMaintenance.3des = 0123456789ABCDEFFEDCBA9876543210
        reloadPIN.sm4 = 0123456789ABCDEFFEDCBA9876543210
        """)

    static func pin(_ text: String) -> PIN { try! PIN(text) }

    @Test(arguments: [
        ("9000", PINVerification.verified),
        ("63C2", .wrong(triesLeft: 2)),
        ("63C0", .blocked),
        ("6983", .blocked),
    ])
    func verifyOutcomes(status: String, outcome: PINVerification) throws {
        let card = ScriptedCard([Self.select, ("0020000003123456", status)])
        #expect(try SocialSecurityApplication(channel: card).verifyPIN(Self.pin("123456")) == outcome)
        #expect(card.isFinished)
    }

    @Test(arguments: [
        ("9303", CardError.applicationPermanentlyLocked(.verifyPIN)),
        ("6A81", .applicationLocked(.verifyPIN)),
        ("6700", .unexpectedStatus(.verifyPIN, .wrongLength)),
    ])
    func verifyLockedIsAnError(status: String, error: CardError) {
        let card = ScriptedCard([Self.select, ("0020000003123456", status)])
        #expect(throws: error) { try SocialSecurityApplication(channel: card).verifyPIN(Self.pin("123456")) }
    }

    @Test func oddLengthPINIsFPadded() throws {
        let card = ScriptedCard([Self.select, ("00200000031234 5F".replacingOccurrences(of: " ", with: ""), "9000")])
        #expect(try SocialSecurityApplication(channel: card).verifyPIN(Self.pin("12345")) == .verified)
    }

    @Test func changePIN() throws {
        let card = ScriptedCard([Self.select, ("805E010007123456FF654321", "9000"),
                                 ("805E010007123456FF111111", "63C1")])
        let application = SocialSecurityApplication(channel: card)
        #expect(try application.changePIN(old: Self.pin("123456"), new: Self.pin("654321")) == .verified)
        #expect(try application.changePIN(old: Self.pin("123456"), new: Self.pin("111111")) == .wrong(triesLeft: 1))
        #expect(card.isFinished)
    }

    /// After an identity read, RELOAD PIN costs GET CHALLENGE plus the command.
    @Test func reloadPINAfterIdentityRead() throws {
        let card = ScriptedCard(CardFixture.identityScript() + [
            ("0084000004", "1A2B3C4D9000"),
            ("805E00000712345 64A18A484".replacingOccurrences(of: " ", with: ""), "9000"),
        ])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        try application.reloadPIN(new: Self.pin("123456"), using: Self.module)
        #expect(card.isFinished)
        #expect(application.commandsSent == 15)
    }

    /// Without a prior read, the card id and spec version come from EF05;
    /// spec version 3.00 selects SM4 and an 8-byte challenge.
    @Test func reloadPINOnGenerationThreeUsesSM4() throws {
        let card = ScriptedCard([
            Self.select,
            ("00B2012812", "0110639900D15600000500BF7C7A48FB49669000"),
            ("00B2032806", "0304" + CardFixture.ascii("3.00") + "9000"),
            ("0084000008", "01020304050607089000"),
            ("805E0000071234562015063B", "9000"),
        ])
        try SocialSecurityApplication(channel: card).reloadPIN(new: Self.pin("123456"), using: Self.module)
        #expect(card.isFinished)
    }

    @Test func unblockPIN() throws {
        let card = ScriptedCard(CardFixture.identityScript() + [
            ("0084000004", "1A2B3C4D9000"), ("842400000434562D50", "9000"),
        ])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        try application.unblockPIN(using: Self.module)
        #expect(card.isFinished)
    }

    @Test(arguments: [(true, "841E0001040EB68BDA"), (false, "841E0000048F0EA189")])
    func blockApplication(permanent: Bool, command: String) throws {
        let card = ScriptedCard(CardFixture.identityScript() + [("0084000004", "1A2B3C4D9000"), (command, "9000")])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        try application.blockApplication(permanent: permanent, using: Self.module)
        #expect(card.isFinished)
    }

    @Test func unblockApplication() throws {
        let card = ScriptedCard(CardFixture.identityScript() + [
            ("0084000004", "1A2B3C4D9000"), ("84180000047C7ED2A1", "9000"),
        ])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        try application.unblockApplication(using: Self.module)
        #expect(card.isFinished)
    }

    @Test(arguments: [
        ("6988", CardError.macRejected(.unblockPIN)),
        ("9303", .applicationPermanentlyLocked(.unblockPIN)),
        ("6A81", .applicationLocked(.unblockPIN)),
        ("6985", .unexpectedStatus(.unblockPIN, .conditionsNotSatisfied)),
    ])
    func maintenanceRefusals(status: String, error: CardError) throws {
        let card = ScriptedCard(CardFixture.identityScript() + [
            ("0084000004", "1A2B3C4D9000"), ("842400000434562D50", status),
        ])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        #expect(throws: error) { try application.unblockPIN(using: Self.module) }
    }

    @Test func shortChallengeIsTyped() throws {
        let card = ScriptedCard(CardFixture.identityScript() + [("0084000004", "1A2B9000")])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        #expect(throws: CardError.invalidChallenge(received: 2)) { try application.unblockPIN(using: Self.module) }
    }

    @Test func missingKeyIsTypedAndSendsNoCommand() throws {
        let card = ScriptedCard(CardFixture.identityScript() + [("0084000004", "1A2B3C4D9000")])
        let application = SocialSecurityApplication(channel: card)
        _ = try application.readIdentity()
        let empty = try SoftwareSecurityModule(keyFile: "")
        #expect(throws: CardError.securityModule(.keyNotLoaded(KeyReference(purpose: .unblockPIN, algorithm: .tripleDES)))) {
            try application.unblockPIN(using: empty)
        }
        #expect(card.isFinished)
    }

    @Test func pinNeverAppearsInErrors() {
        let card = ScriptedCard([Self.select, ("0020000003987654", "6A81")])
        do {
            _ = try SocialSecurityApplication(channel: card).verifyPIN(Self.pin("987654"))
            Issue.record("6A81 not reported")
        } catch {
            #expect(!error.description.contains("987654"))
        }
    }
}

@Suite struct PINValueTests {
    @Test func encodesBCDWithFPadding() throws {
        #expect(try PIN("123456").encoded == [0x12, 0x34, 0x56])
        #expect(try PIN("12345").encoded == [0x12, 0x34, 0x5F])
        #expect(try PIN("0000").encoded == [0x00, 0x00])
        #expect(try PIN("1234567890123456").encoded.count == 8)
    }

    @Test func decodesTheCardForm() throws {
        #expect(try PIN(encoded: [0x12, 0x34, 0x5F]) == PIN("12345"))
        #expect(throws: PINError.notADigit(position: 2)) { try PIN(encoded: [0x1A, 0x34]) }
        #expect(throws: PINError.wrongLength(actual: 3)) { try PIN(encoded: [0x12, 0x3F]) }
        #expect(throws: PINError.wrongLength(actual: 4)) { try PIN(encoded: [0x12, 0x34, 0xFF]) }
    }

    @Test func rejectsBadPINs() {
        #expect(throws: PINError.notADigit(position: 3)) { try PIN("12a456") }
        #expect(throws: PINError.notADigit(position: 1)) { try PIN("１23456") }
        #expect(throws: PINError.wrongLength(actual: 3)) { try PIN("123") }
        #expect(throws: PINError.wrongLength(actual: 17)) { try PIN(String(repeating: "1", count: 17)) }
    }

    @Test func isRedactedEverywhere() throws {
        let pin = try PIN("246813")
        let texts = ["\(pin)", String(reflecting: pin), "\([pin])", "\(Optional(pin) as Any)"]
        var dumped = ""
        dump(pin, to: &dumped)
        for text in texts + [dumped] {
            #expect(!text.contains("246813") && !text.contains("2, 4, 6"))
        }
        #expect(pin.description == "PIN(redacted)")
    }
}
