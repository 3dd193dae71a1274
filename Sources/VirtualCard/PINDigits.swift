/// Reads PINs out of command data: BCD digits, left-aligned, F-padded.
///
/// Works on nibbles so that any block size the terminal (or a PIN pad)
/// used is accepted, as long as the padding is all F.
enum PINDigits {
    static func nibbles(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { [$0 >> 4, $0 & 0x0F] }
    }

    /// Digits before the first F; nil if a nibble is A-E or a digit follows
    /// the padding.
    static func decode(_ bytes: [UInt8]) -> String? {
        let all = nibbles(bytes)
        let digits = all.prefix { $0 != 0x0F }
        guard digits.allSatisfy({ $0 <= 9 }), all.dropFirst(digits.count).allSatisfy({ $0 == 0x0F }) else {
            return nil
        }
        return String(digits.map { Character(String($0)) })
    }

    /// CHANGE PIN data: old PIN, F padding and the FF separator, new PIN.
    static func decodePair(_ bytes: [UInt8]) -> (old: String, new: String)? {
        let all = nibbles(bytes)
        let old = all.prefix { $0 != 0x0F }
        let rest = all.dropFirst(old.count).drop { $0 == 0x0F }
        let new = rest.prefix { $0 != 0x0F }
        guard !old.isEmpty, !new.isEmpty, (old + new).allSatisfy({ $0 <= 9 }),
              rest.dropFirst(new.count).allSatisfy({ $0 == 0x0F }) else { return nil }
        return (String(old.map { Character(String($0)) }), String(new.map { Character(String($0)) }))
    }

    static func isAcceptable(_ pin: String) -> Bool { (4...16).contains(pin.count) }
}
