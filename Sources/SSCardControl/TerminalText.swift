import SSCardValues

/// Text from the registry made safe for another operator's terminal.
///
/// Reasons, names and addresses are typed by people and stored as given; a
/// `\u{1b}` in a reason would otherwise be an escape sequence on the screen
/// of whoever runs `sscardctl history` (clearing it, rewriting earlier lines,
/// setting the window title). Control characters (C0, DEL, C1) and the
/// Unicode bidirectional overrides, which can make text read backwards, are
/// shown as visible `\u{…}` escapes instead. `--json` output is JSON and
/// escapes control characters by itself.
enum TerminalText {
    static func escaped(_ text: String) -> String {
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

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value)
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
