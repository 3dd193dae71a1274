import Foundation

/// Comma-separated values as RFC 4180 writes them, safe to open in a
/// spreadsheet: a field holding a comma, a quote or a line break is quoted
/// (quotes doubled), lines end in CRLF, and a field that a spreadsheet would
/// read as a formula (starting with = + - @, a tab or a carriage return) is
/// prefixed with a single quote. Reasons are typed by people at a counter:
/// `=HYPERLINK(...)` in one must stay text (CSV injection, OWASP).
enum CSVText {
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func field(_ text: String) -> String {
        var cell = text
        if let first = cell.first, formulaStarts.contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
