/// What a reader slot is for: a holder's card through contacts or over the
/// air, or a secure access module (SAM) holding issuer keys.
///
/// A reader with contact, contactless and SAM slots appears to PC/SC as
/// several readers, one per slot, and readers do not report their
/// interface: it is inferred from the name vendors give each slot ("… PICC …",
/// "… Contactless …", "…-CL", "5422CL"; "… SAM …"), or from the pseudo-ATR
/// that PC/SC part 3 makes contactless readers synthesise for ISO 14443
/// cards (`3B 8x 80 01 …`). Where names say nothing (a slot called
/// "… 00 01"), `ReaderSlots` maps them from the configuration.
public enum ReaderKind: String, Hashable, Sendable, CaseIterable {
    case contact
    case contactless
    /// A secure access module's slot: never a holder's card.
    case sam

    /// From the name, then the card's ATR; contact when neither says.
    public init(readerName: String, atr: [UInt8]?) {
        if let named = Self.named(readerName) {
            self = named
        } else if let atr, Self.isContactlessPseudoATR(atr) {
            self = .contactless
        } else {
            self = .contact
        }
    }

    /// What the reader's name says, or nil when it says nothing. SAM wins
    /// over contactless: "ACR1252 Dual Reader SAM" is the SAM half of a
    /// contactless reader.
    public static func named(_ name: String) -> ReaderKind? {
        let words = name.split { !$0.isLetter && !$0.isNumber }.map { $0.uppercased() }
        if words.contains(where: isSAMWord) { return .sam }
        if words.contains(where: isContactlessWord) { return .contactless }
        return nil
    }

    /// "SAM", "SAM1", "SAM2": a word of its own. "3SAM" (ACR33U's product
    /// name, "3SAM ICC Reader") names the reader, not the slot.
    static func isSAMWord(_ word: String) -> Bool {
        guard word.hasPrefix("SAM") else { return false }
        return word.dropFirst(3).allSatisfy(\.isNumber)
    }

    /// "CONTACTLESS", "PICC", "CTLESS", "CL" as a word ("5x21-CL"), or a model
    /// number ending in CL ("5422CL", "6321CL"); "CLOUD" or "CLASSIC" are no hint.
    static func isContactlessWord(_ word: String) -> Bool {
        if ["CONTACTLESS", "PICC", "CTLESS", "CL", "NFC", "RFID"].contains(word) { return true }
        guard word.hasSuffix("CL"), word.count > 2 else { return false }
        return word.dropLast(2).allSatisfy(\.isNumber)
    }

    /// `3B 8x 80 01`: TS, T0 with TD1 present, TD1 = 80, TD2 = 01 — the
    /// prefix every part 3 pseudo-ATR shares.
    public static func isContactlessPseudoATR(_ atr: [UInt8]) -> Bool {
        atr.count >= 4 && atr[0] == 0x3B && atr[1] & 0xF0 == 0x80 && atr[2] == 0x80 && atr[3] == 0x01
    }
}
