/// Whether a reader talks to the card through contacts or over the air.
///
/// Service points often have one dual-interface reader that pcscd shows as
/// two readers; the national interface (`iType`) lets the caller prefer
/// one. Readers do not report their interface, so it is inferred from the
/// name vendors give the contactless half, or from the pseudo-ATR that
/// PC/SC part 3 makes contactless readers synthesise for storage/ISO 14443
/// cards (`3B 8x 80 01 …`).
public enum ReaderKind: String, Hashable, Sendable {
    case contact
    case contactless

    public init(readerName: String, atr: [UInt8]?) {
        if Self.nameSaysContactless(readerName) {
            self = .contactless
        } else if let atr, Self.isContactlessPseudoATR(atr) {
            self = .contactless
        } else {
            self = .contact
        }
    }

    static func nameSaysContactless(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower.contains("contactless") || lower.contains("picc") { return true }
        // "CL" only as a word of its own: "CLASSIC" or "Cloud" are no hint.
        let words = name.split { !$0.isLetter && !$0.isNumber }
        return words.contains("CL")
    }

    /// `3B 8x 80 01`: TS, T0 with TD1 present, TD1 = 80, TD2 = 01 — the
    /// prefix every part 3 pseudo-ATR shares.
    public static func isContactlessPseudoATR(_ atr: [UInt8]) -> Bool {
        atr.count >= 4 && atr[0] == 0x3B && atr[1] & 0xF0 == 0x80 && atr[2] == 0x80 && atr[3] == 0x01
    }
}
