/// Where bytes stop being well-formed UTF-8 (RFC 3629: no overlong forms,
/// no surrogates, nothing above U+10FFFF), so that a file in another
/// encoding (GB18030, say) is refused with its byte offset and line.
public enum UTF8Validation {
    /// The first byte that is not well-formed UTF-8, with its 1-based line.
    public static func firstInvalid(_ bytes: [UInt8]) -> (offset: Int, line: Int)? {
        var index = 0
        var line = 1
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return (index, line)
            }
            guard index + length <= bytes.count else { return (index, line) }
            for position in 1..<max(length, 1) {
                let byte = bytes[index + position]
                let (min, max): (UInt8, UInt8) = position == 1 ? (low, high) : (0x80, 0xBF)
                guard byte >= min, byte <= max else { return (index, line) }
            }
            if lead == 0x0A { line += 1 }
            index += length
        }
        return nil
    }

}
