/// Terminal column arithmetic: Han characters, kana, hangul and full-width
/// forms take two columns, combining marks none, everything else one.
/// Ambiguous-width characters (box drawing, some punctuation) count as one,
/// as terminals in non-CJK locales draw them; the kiosk avoids them anyway.
public enum DisplayWidth {
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value == 0 || value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if isCombining(value) { return 0 }
        if isWide(value) { return 2 }
        return 1
    }

    public static func of(_ character: Character) -> Int {
        // A grapheme's width is its first scalar's; the rest combine with it.
        guard let first = character.unicodeScalars.first else { return 0 }
        return of(first)
    }

    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    static func isCombining(_ value: UInt32) -> Bool {
        (0x0300...0x036F).contains(value) || (0x1AB0...0x1AFF).contains(value) || (0x1DC0...0x1DFF).contains(value)
            || (0x20D0...0x20FF).contains(value) || (0xFE00...0xFE0F).contains(value) || (0xFE20...0xFE2F).contains(value)
            || value == 0x200B || value == 0x200C || value == 0x200D
    }

    static func isWide(_ value: UInt32) -> Bool {
        (0x1100...0x115F).contains(value)  // Hangul Jamo initials
            || (0x2E80...0x303E).contains(value)  // CJK radicals, punctuation
            || (0x3041...0x33FF).contains(value)  // kana, bopomofo, CJK compatibility
            || (0x3400...0x4DBF).contains(value)  // CJK extension A
            || (0x4E00...0x9FFF).contains(value)  // CJK unified ideographs
            || (0xA000...0xA4CF).contains(value)  // Yi
            || (0xAC00...0xD7A3).contains(value)  // Hangul syllables
            || (0xF900...0xFAFF).contains(value)  // CJK compatibility ideographs
            || (0xFE30...0xFE4F).contains(value)  // CJK compatibility forms
            || (0xFF00...0xFF60).contains(value)  // full-width forms
            || (0xFFE0...0xFFE6).contains(value)
            || (0x1F300...0x1F64F).contains(value)  // pictographs, emoticons
            || (0x1F900...0x1F9FF).contains(value)
            || (0x20000...0x3FFFD).contains(value)  // CJK extensions B and later
    }

    /// The longest prefix of `text` that fits in `columns`; a wide character
    /// that would straddle the edge is left out rather than split.
    public static func prefix(_ text: String, columns: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let width = of(character)
            if used + width > columns { break }
            result.append(character)
            used += width
        }
        return result
    }

    /// `text` cut to `columns` and padded with spaces to exactly `columns`.
    public static func fit(_ text: String, columns: Int) -> String {
        let cut = prefix(text, columns: max(0, columns))
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }

    /// `text` centred in `columns` (cut if wider).
    public static func center(_ text: String, columns: Int) -> String {
        let cut = prefix(text, columns: max(0, columns))
        let left = max(0, (columns - of(cut)) / 2)
        return fit(String(repeating: " ", count: left) + cut, columns: columns)
    }

    /// Breaks `text` into lines of at most `columns`: at spaces where there
    /// are any, else between any two characters (as Chinese text breaks).
    public static func wrap(_ text: String, columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        var line: [Character] = []
        var width = 0
        var lastSpace: Int?
        for character in text {
            let characterWidth = of(character)
            if width + characterWidth > columns, !line.isEmpty {
                if character == " " {
                    lines.append(String(line))
                    line = []
                    width = 0
                    lastSpace = nil
                    continue
                }
                if let space = lastSpace {
                    lines.append(String(line[..<space]))
                    line = Array(line[(space + 1)...])
                } else {
                    lines.append(String(line))
                    line = []
                }
                width = line.reduce(0) { $0 + of($1) }
                lastSpace = nil
            }
            if character == " " { lastSpace = line.count }
            line.append(character)
            width += characterWidth
        }
        if !line.isEmpty { lines.append(String(line)) }
        return lines.map { String($0.drop(while: { $0 == " " })) }
    }
}
