import SSCardValues
import Varlink

/// Plain-text rendering of replies: key/value blocks and column tables,
/// aligned by display width (a Han character takes two columns).
enum TextTable {
    /// Terminal columns, as the kiosk counts them (a Han character takes two).
    static func width(_ text: String) -> Int { DisplayWidth.of(text) }

    static func pad(_ text: String, to columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case let .bool(flag): return flag ? "yes" : "no"
        case let .int(number): return String(number)
        case let .double(number): return String(number)
        case let .string(text): return text
        case let .array(items): return items.map(text).joined(separator: ", ")
        case .object: return value.description
        }
    }

    /// `label  value` lines for an object's members, in `order` first.
    static func keyValue(_ object: [String: JSONValue], order: [String], labels: Labels) -> String {
        let keys = order.filter { object[$0] != nil } + object.keys.filter { !order.contains($0) }.sorted()
        let labelWidth = keys.map { width(labels($0)) }.max() ?? 0
        return keys.map { "\(pad(labels($0), to: labelWidth))  \(PrintableText.escaped(labels.value($0, object[$0]!)))" }
            .joined(separator: "\n")
    }

    /// Rows of objects as columns.
    static func columns(_ rows: [[String: JSONValue]], keys: [String], labels: Labels) -> String {
        let header = keys.map { labels($0) }
        let cells = rows.map { row in keys.map { PrintableText.escaped(labels.value($0, row[$0] ?? .null)) } }
        let widths = keys.indices.map { column in ([header] + cells).map { width($0[column]) }.max() ?? 0 }
        return ([header] + cells).map { line in
            line.enumerated().map { pad($1, to: widths[$0]) }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
