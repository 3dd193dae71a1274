/// The one place that masks personal data for logs and messages.
///
/// Social security numbers, card numbers and names identify people. Every log
/// line and error text goes through these functions, so that a change of
/// masking policy is a change in one file.
public enum PersonalData {
    /// Keeps `prefix` leading and `suffix` trailing characters and stars the
    /// rest: `11010519491231002X` → `1101**********002X`. Short values are
    /// starred whole, since their ends would reveal too much.
    public static func mask(_ text: String, keepingPrefix prefix: Int, suffix: Int) -> String {
        let chars = Array(text)
        guard chars.count > prefix + suffix + 1 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(prefix))
            + String(repeating: "*", count: chars.count - prefix - suffix)
            + String(chars.suffix(suffix))
    }

    /// Masks a social security number or any ID-shaped text the same way.
    public static func maskSSN(_ text: String) -> String { mask(text, keepingPrefix: 4, suffix: 4) }

    /// Keeps two characters at each end: `A00000011` → `A0*****11`. The same
    /// shape in logs, errors and on the kiosk's screen.
    public static func maskCardNumber(_ text: String) -> String { mask(text, keepingPrefix: 2, suffix: 2) }

    /// Keeps six leading and four trailing characters of a card identification code.
    public static func maskIdentificationCode(_ text: String) -> String { mask(text, keepingPrefix: 6, suffix: 4) }

    /// Keeps the first character of a name: `张三丰` → `张**`.
    public static func maskName(_ text: String) -> String {
        guard let first = text.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, text.count - 1))
    }

    /// Masks every run that looks like a social security number (17 ASCII
    /// digits and a digit or X) inside free text: the last line of defence
    /// for a number that slipped into a log message unmasked. A run inside a
    /// hexadecimal word of digest length (32 characters or more) is a digest,
    /// not a number: an audit head's hash, which the journal must show whole
    /// (about one SHA-256 in 700 has a run of exactly 18 decimal digits).
    public static func scrub(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var index = 0
        while index < chars.count {
            guard chars[index].isASCII, chars[index].isNumber else {
                out.append(chars[index])
                index += 1
                continue
            }
            var end = index
            while end < chars.count, chars[end].isASCII,
                  chars[end].isNumber || ((chars[end] == "X" || chars[end] == "x") && end - index == 17) {
                end += 1
            }
            let run = String(chars[index..<end])
            out += end - index == 18 && !inDigest(chars, index, end) ? maskSSN(run) : run
            index = end
        }
        return out
    }

    /// Whether `chars[start..<end]` lies in a hexadecimal word of 32 characters or more.
    private static func inDigest(_ chars: [Character], _ start: Int, _ end: Int) -> Bool {
        var first = start, last = end
        while first > 0, isHex(chars[first - 1]) { first -= 1 }
        while last < chars.count, isHex(chars[last]) { last += 1 }
        return last - first >= 32 && chars[start..<end].allSatisfy(isHex)
    }

    private static func isHex(_ char: Character) -> Bool {
        char.isASCII && char.isHexDigit
    }
}
