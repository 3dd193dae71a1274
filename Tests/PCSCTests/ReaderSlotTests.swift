import PCSC
import Testing

/// Slots of multi-slot readers as pcscd names them, from public sources:
/// pcsc_scan and PC/SC client logs quoted in public code (reader names of
/// ACS, HID OMNIKEY, Identiv, SCM, Gemalto readers) and the CCID driver's
/// list of supported readers. What the name says decides; a name that
/// says nothing is a contact slot unless the configuration maps it.
@Suite("readers with several slots")
struct ReaderSlotTests {
    static let contactATR: [UInt8] = [0x3B, 0x6D, 0x00, 0x00, 0x00, 0x81, 0x4E]

    @Test("vendor slot names", arguments: [
        // ACS dual and triple-slot readers: the slot in brackets.
        ("ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00", ReaderKind.contactless),
        ("ACS ACR1252 Dual Reader [ACR1252 Dual Reader SAM] 01 00", .sam),
        ("ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader ICC] 00 01", .contact),
        ("ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader PICC] 00 00", .contactless),
        ("ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader SAM] 00 02", .sam),
        ("ACS ACR1581 1S Dual Reader [ACR1581 1S Dual Reader ICC] 00 00", .contact),
        ("ACS ACR122U PICC Interface 00 00", .contactless),
        // "3SAM" is the product's name (ACR33U, an ICC slot and three SAMs): no hint; the SAM slots need mapping.
        ("ACS ACR33U-A1 3SAM ICC Reader 00 00", .contact),
        ("ACS ACR 38U-CCID 00 00", .contact),
        ("ACS ACR39U ICC Reader 00 00", .contact),
        // HID OMNIKEY: "-CL" as a word, or a model number ending in CL.
        ("OMNIKEY CardMan 5x21 0", .contact),
        ("OMNIKEY CardMan 5x21-CL 0", .contactless),
        ("OMNIKEY CardMan 5x21 00 01", .contact),
        ("HID Global OMNIKEY 5422 Smartcard Reader [OMNIKEY 5422 Smartcard Reader] (IM0O2C00NF10456904) 01 00", .contact),
        ("HID Global OMNIKEY 5422 Smartcard Reader [OMNIKEY 5422CL Smartcard Reader] (IM0O2C00NF10456904) 00 00", .contactless),
        ("HID Global OMNIKEY 6121 Smart Card Reader [OMNIKEY 6121 Smart Card Reader] 00 00", .contact),
        // Identiv: "CLOUD" is not "CL".
        ("Identive CLOUD 4500 F Dual Interface Reader [CLOUD 4700 F Contact Reader] (53201441201079) 00 00", .contact),
        ("Identive CLOUD 4500 F Dual Interface Reader [CLOUD4700 F Contactless Reader] (53201441201079) 01 00", .contactless),
        // SCM / Identiv contactless readers.
        ("SCM Microsystems Inc. SCL010 Contactless Reader [SCL010 Contactless Reader] (00000741000005) 00 00", .contactless),
        ("SCM Microsystems, Inc. SCL011 RFID reader [SCL01x Contactless Reader] (21161045208718) 00 00", .contactless),
        ("SCM Microsystems Inc. SCR 3310 00 00", .contact),
        // Gemalto: "Contact_…" is the contact slot.
        ("Gemalto Prox-DU [Prox-DU Contact_09A00795] 00 00", .contact),
        ("Gemalto Prox-DU [Prox-DU Contactless_09A00795] 01 00", .contactless),
        ("Gemalto PC Twin Reader (69988A87) 02 00", .contact),
        ("Cherry SmartTerminal CLASSIC 00 00", .contact),
        ("Alcor Micro AU9540 00 00", .contact),
        ("Virtual PCD 00 00", .contact),
        ("Virtual PCD 00 01", .contact),
    ])
    func vendorNames(name: String, kind: ReaderKind) {
        #expect(ReaderKind(readerName: name, atr: Self.contactATR) == kind)
        #expect(ReaderKind(readerName: name, atr: nil) == kind)
    }

    @Test("SAM words: SAM, SAM1…; not SAMSUNG or 3SAM")
    func samWords() {
        #expect(ReaderKind.named("Reader SAM 00 00") == .sam)
        #expect(ReaderKind.named("Reader sam2 00 00") == .sam)
        #expect(ReaderKind.named("SAMSUNG Reader 00 00") == nil)
        #expect(ReaderKind.named("Reader 3SAM 00 00") == nil)
        // A SAM slot of a contactless reader is a SAM slot.
        #expect(ReaderKind.named("Contactless Reader SAM 00 01") == .sam)
    }

    static let contact = ReaderStatus(reader: "ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader ICC] 00 01",
                                      cardPresent: true, atr: contactATR)
    static let contactless = ReaderStatus(reader: "ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader PICC] 00 00",
                                          cardPresent: true, atr: contactATR)
    static let sam = ReaderStatus(reader: "ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader SAM] 00 02",
                                  cardPresent: true, atr: contactATR)

    @Test("a SAM slot with a card is never chosen, under any iType", arguments: ReaderChoice.allCases)
    func samNeverChosen(_ choice: ReaderChoice) {
        #expect(choice.select(from: [Self.sam]) == .noCard)
        #expect(choice.choose(from: [Self.sam]) == nil)
        let expected: ReaderChoice.Selection = choice == .contactlessOnly ? .noCard : .chosen(Self.contact.reader)
        #expect(choice.select(from: [Self.sam, Self.contact]) == expected)
    }

    @Test("iType 1-4 over a reader's three slots")
    func iTypes() {
        let all = [Self.sam, Self.contactless, Self.contact]
        #expect(ReaderChoice.contactOnly.select(from: all) == .chosen(Self.contact.reader))
        #expect(ReaderChoice.contactlessOnly.select(from: all) == .chosen(Self.contactless.reader))
        #expect(ReaderChoice.contactFirst.select(from: all) == .chosen(Self.contact.reader))
        #expect(ReaderChoice.contactlessFirst.select(from: all) == .chosen(Self.contactless.reader))
        // Two contact slots with cards: the caller must say which.
        let other = ReaderStatus(reader: "Gemalto PC Twin Reader 00 00", cardPresent: true, atr: Self.contactATR)
        #expect(ReaderChoice.contactFirst.select(from: [Self.contact, other]) == .several([Self.contact.reader, other.reader]))
    }

    @Test("the configuration's mapping overrides the name; reserved readers (the PSAM's) are never a holder's")
    func mappingAndReserved() {
        let plain0 = ReaderStatus(reader: "Generic Multi Slot Reader 00 00", cardPresent: true, atr: Self.contactATR)
        let plain1 = ReaderStatus(reader: "Generic Multi Slot Reader 00 01", cardPresent: true, atr: Self.contactATR)
        #expect(ReaderChoice.contactFirst.select(from: [plain0, plain1]) == .several([plain0.reader, plain1.reader]))
        let mapped = ReaderSlots(kinds: [plain1.reader: .sam])
        #expect(mapped.kind(of: plain1) == .sam)
        #expect(mapped.refusal(plain1) != nil && mapped.refusal(plain0) == nil)
        #expect(ReaderChoice.contactFirst.select(from: [plain0, plain1], slots: mapped) == .chosen(plain0.reader))
        let contactless = ReaderSlots(kinds: [plain1.reader: .contactless])
        #expect(ReaderChoice.contactlessOnly.select(from: [plain0, plain1], slots: contactless) == .chosen(plain1.reader))
        // A name that says contactless, mapped to contact by the configuration.
        let remapped = ReaderSlots(kinds: [Self.contactless.reader: .contact])
        #expect(remapped.kind(of: Self.contactless) == .contact)
        let reserved = ReaderSlots(reserved: [Self.contact.reader])
        #expect(ReaderChoice.contactOnly.select(from: [Self.contact], slots: reserved) == .noCard)
        #expect(reserved.refusal(Self.contact)?.contains("PSAM") == true)
    }
}
