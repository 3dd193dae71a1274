/// Terminal input bytes to keys. Digits from the main row or from a numeric
/// keypad in application mode (ESC O p … ESC O y), Enter as CR or LF (or the
/// keypad's ESC O M), Backspace as DEL or BS, Esc alone; other escape
/// sequences (arrows, function keys) are consumed whole and ignored.
public enum KeyDecoder {
    public static func decode(_ bytes: some Collection<UInt8>) -> [Key] {
        let bytes = Array(bytes)
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                keys.append(.digit(byte - UInt8(ascii: "0")))
            case 0x0D, 0x0A:
                keys.append(.enter)
            case 0x7F, 0x08:
                keys.append(.backspace)
            case UInt8(ascii: "*"), UInt8(ascii: "l"), UInt8(ascii: "L"):
                keys.append(.language)
            case 0x1B:
                guard index < bytes.count else {
                    keys.append(.escape)
                    break
                }
                let next = bytes[index]
                if next == UInt8(ascii: "O"), index + 1 < bytes.count {
                    let final = bytes[index + 1]
                    index += 2
                    switch final {
                    case UInt8(ascii: "p")...UInt8(ascii: "y"): keys.append(.digit(final - UInt8(ascii: "p")))
                    case UInt8(ascii: "M"): keys.append(.enter)
                    case UInt8(ascii: "j"): keys.append(.language)  // keypad *
                    default: keys.append(.other)
                    }
                } else if next == UInt8(ascii: "[") {
                    // CSI: parameters and intermediates up to a final byte 0x40-0x7E.
                    index += 1
                    while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                    index += 1
                    keys.append(.other)
                } else if next == 0x1B {
                    keys.append(.escape)
                } else {
                    // Alt+key: ignore both.
                    index += 1
                    keys.append(.other)
                }
            default:
                keys.append(.other)
            }
        }
        return keys
    }
}
