/// Text that someone else typed, made safe to show or to keep beside our own.
///
/// Reasons, names and reader names come from callers. A `\u{1b}` in one is an
/// escape sequence on the terminal of whoever later runs `sscardctl history`
/// or `sqlite3` (clearing the screen, rewriting earlier lines, setting the
/// window title), and a Unicode bidirectional override makes text read
/// backwards. Such scalars (C0, DEL, C1, the bidi embeddings, overrides and
/// isolates, the line and paragraph separators) are shown as visible
/// `\u{…}` escapes instead.
public enum PrintableText {
    /// `text` with every unsafe scalar written as `\u{HEX}`.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Caller text to embed in a message of our own (an error reason, an
    /// audit entry): escaped, and cut to `limit` scalars so that a 64 KiB
    /// "reader name" cannot become a 64 KiB audit row.
    public static func quoted(_ text: String, limit: Int = 64) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return "'" + escaped(text) + "'" }
        var head = String.UnicodeScalarView()
        head.append(contentsOf: scalars.prefix(limit))
        return "'" + escaped(String(head)) + "'… (\(scalars.count - limit) more characters)"
    }

    /// Free text a caller gives (a reason, an address), refused unless it is
    /// safe to keep as given: not blank, at most `limit` characters, and no
    /// unsafe scalar. Refused at the door rather than escaped on the way out,
    /// because what is kept is read by more than sscardctl: `History` over
    /// varlink, a DBA's `sqlite3` or `psql`, an export in a spreadsheet.
    public static func checked(_ text: String, field: String, limit: Int) throws(ValueError) -> String {
        guard !text.allSatisfy(\.isWhitespace) else { throw .empty(field: field) }
        let scalars = text.unicodeScalars
        guard scalars.count <= limit else {
            throw .wrongLength(field: field, expected: "at most \(limit) characters", actual: scalars.count)
        }
        if let index = scalars.firstIndex(where: isUnsafe) {
            throw .invalidCharacter(field: field, position: scalars.distance(from: scalars.startIndex, to: index) + 1)
        }
        return text
    }

    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value)
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
            || value == 0x2028 || value == 0x2029
    }
}
