import Testing
import SSCardValues
@testable import SocialSecurityCard

@Suite struct AnswerToResetTests {
    @Test func historicalBytesAfterTBAndTC() throws {
        let atr = try AnswerToReset(CardFixture.atr)
        #expect(Hex.encode(atr.historicalBytes) == CardFixture.historical)
        #expect(!atr.isContactlessPseudoATR)
    }

    /// PC/SC part 3 pseudo-ATR for a contactless storage card: TD1 80, TD2 01,
    /// 15 historical bytes, then TCK.
    @Test func followsTheTDChain() throws {
        let atr = try AnswerToReset(Hex.decode("3B8F8001804F0CA000000306030001000000006A")!)
        #expect(Hex.encode(atr.historicalBytes) == "804F0CA0000003060300010000000000".dropLast(2))
        #expect(atr.isContactlessPseudoATR)
    }

    @Test func chainWithInterfaceBytes() throws {
        // T0 = 9F: TA1, TD1, K = 15; TD1 = 81: TD2; TD2 = 31: TA3, TB3 (T=1).
        let atr = try AnswerToReset(Hex.decode("3B9F958131FE9F006A4F434F53000000000000000000FF")!)
        #expect(Hex.encode(atr.historicalBytes) == "006A4F434F53000000000000000000")
    }

    @Test(arguments: ["", "3B", "3B6D0000", "3B10", "3B8F80", "3F0201", "0000"])
    func malformed(_ hex: String) {
        #expect(throws: CardError.malformedATR) { try AnswerToReset(Hex.decode(hex)!) }
    }
}

@Suite struct ReaderPreferenceTests {
    static let readers = [
        ClassifiedReader(name: "Generic USB Smart Card Reader 00 00"),
        ClassifiedReader(name: "ACS ACR1281 1S Dual Reader PICC 01 00"),
        ClassifiedReader(name: "ACS ACR1281 1S Dual Reader ICC 01 01"),
        ClassifiedReader(name: "HID OMNIKEY 5422 CL 02 00"),
        ClassifiedReader(name: "Virtual PCD 00 00", atr: Hex.decode("3B8F8001804F0CA000000306030001000000006A")!),
        ClassifiedReader(name: "SCM Contactless Reader 03 00"),
        ClassifiedReader(name: "CLASSIC Reader 04 00"),
    ]

    @Test func classifiesByNameAndPseudoATR() {
        #expect(Self.readers.map(\.interface) == [.contact, .contactless, .contact, .contactless,
                                                  .contactless, .contactless, .contact])
        #expect(ReaderInterface.classify(readerName: "Virtual PCD 00 00", atr: CardFixture.atr) == .contact)
    }

    @Test func ordersByIType() {
        let names = { (preference: ReaderPreference) in preference.order(Self.readers).map(\.name) }
        let contact = ["Generic USB Smart Card Reader 00 00", "ACS ACR1281 1S Dual Reader ICC 01 01", "CLASSIC Reader 04 00"]
        let contactless = ["ACS ACR1281 1S Dual Reader PICC 01 00", "HID OMNIKEY 5422 CL 02 00",
                           "Virtual PCD 00 00", "SCM Contactless Reader 03 00"]
        #expect(names(ReaderPreference(iType: 1)!) == contact)
        #expect(names(ReaderPreference(iType: 2)!) == contactless)
        #expect(names(ReaderPreference(iType: 3)!) == contact + contactless)
        #expect(names(ReaderPreference(iType: 4)!) == contactless + contact)
        #expect(ReaderPreference(iType: 0) == nil && ReaderPreference(iType: 5) == nil)
    }
}
