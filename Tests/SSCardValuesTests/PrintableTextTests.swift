import SSCardValues
import Testing

@Suite("PrintableText: caller text made safe to keep and to show")
struct PrintableTextTests {
    @Test("unsafe scalars become visible escapes; everything else is kept", arguments: [
        ("正常 text", "正常 text"),
        ("a\u{1B}[2Jb", "a\\u{1B}[2Jb"),
        ("\u{202E}exe.txt", "\\u{202E}exe.txt"),
        ("line\u{2028}two", "line\\u{2028}two"),
        ("tab\there", "tab\\u{9}here"),
        ("del\u{7F}c1\u{85}", "del\\u{7F}c1\\u{85}"),
    ])
    func escaped(input: String, shown: String) {
        #expect(PrintableText.escaped(input) == shown)
    }

    @Test func quotedTextIsCutAfterItsLimit() {
        #expect(PrintableText.quoted("reader 0") == "'reader 0'")
        let long = String(repeating: "读", count: 70_000)
        let quoted = PrintableText.quoted(long, limit: 64)
        #expect(quoted.hasPrefix("'" + String(repeating: "读", count: 64) + "'…"))
        #expect(quoted.hasSuffix("(69936 more characters)"))
    }

    @Test("checked refuses blank, overlong and unsafe text, naming field and position")
    func checked() throws {
        #expect(try PrintableText.checked("卡片损坏，需补换", field: "reason", limit: 10) == "卡片损坏，需补换")
        #expect(throws: ValueError.empty(field: "reason")) { try PrintableText.checked(" \n ", field: "reason", limit: 10) }
        #expect(throws: ValueError.wrongLength(field: "phone", expected: "at most 3 characters", actual: 4)) {
            try PrintableText.checked("1234", field: "phone", limit: 3)
        }
        #expect(throws: ValueError.invalidCharacter(field: "address", position: 3)) {
            try PrintableText.checked("ab\u{0}c", field: "address", limit: 10)
        }
    }
}
