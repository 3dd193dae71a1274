import PCSC
import Testing

@Suite("contact and contactless readers")
struct ReaderSelectionTests {
    static let contactATR: [UInt8] = [0x3B, 0x6D, 0x00, 0x00, 0x00, 0x81, 0x4E]
    static let pseudoATR: [UInt8] = [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0]

    @Test("classification by name", arguments: [
        ("ACS ACR1281 1S Dual Reader PICC 00 01", ReaderKind.contactless),
        ("OMNIKEY CardMan 5x21-CL 0", .contactless),
        ("Generic Contactless Reader 00 00", .contactless),
        ("ACS ACR1281 1S Dual Reader ICC 00 00", .contact),
        ("Cherry SmartTerminal CLASSIC 00 00", .contact),
        ("Virtual PCD 00 00", .contact),
    ])
    func byName(name: String, kind: ReaderKind) {
        #expect(ReaderKind(readerName: name, atr: Self.contactATR) == kind)
    }

    @Test("the part 3 pseudo-ATR marks a contactless card in a neutrally named reader")
    func byATR() {
        #expect(ReaderKind(readerName: "Reader 00 00", atr: Self.pseudoATR) == .contactless)
        #expect(ReaderKind(readerName: "Reader 00 00", atr: Self.contactATR) == .contact)
        #expect(!ReaderKind.isContactlessPseudoATR([0x3B, 0x8F, 0x81, 0x01]))
    }

    @Test("iType 1-4 choose by kind and order; readers without a card never chosen")
    func choice() {
        let contact = ReaderStatus(reader: "Dual ICC 00 00", cardPresent: true, atr: Self.contactATR)
        let contactless = ReaderStatus(reader: "Dual PICC 00 01", cardPresent: true, atr: Self.pseudoATR)
        let empty = ReaderStatus(reader: "Other 01 00", cardPresent: false, atr: [])
        let both = [empty, contactless, contact]
        #expect(ReaderChoice(iType: 1)?.choose(from: both) == contact)
        #expect(ReaderChoice(iType: 2)?.choose(from: both) == contactless)
        #expect(ReaderChoice(iType: 3)?.choose(from: both) == contact)
        #expect(ReaderChoice(iType: 4)?.choose(from: both) == contactless)
        #expect(ReaderChoice(iType: 3)?.choose(from: [empty, contactless]) == contactless)
        #expect(ReaderChoice(iType: 4)?.choose(from: [contact]) == contact)
        #expect(ReaderChoice(iType: 1)?.choose(from: [contactless, empty]) == nil)
        #expect(ReaderChoice(iType: 5) == nil)
    }
}
