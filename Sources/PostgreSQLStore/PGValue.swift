/// A parameter or a column value in libpq's text format.
public enum PGValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case bytes([UInt8])

    /// The text the server parses, or nil for SQL NULL. Byte strings use the
    /// bytea hex format (`\x0a1b…`).
    public var wireText: String? {
        switch self {
        case .null: return nil
        case let .text(text): return text
        case let .integer(value): return String(value)
        case let .bytes(bytes): return "\\x" + PGValue.hex(bytes)
        }
    }

    static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func optionalText(_ text: String?) -> PGValue { text.map(PGValue.text) ?? .null }
    public static func optionalInteger(_ value: Int64?) -> PGValue { value.map(PGValue.integer) ?? .null }
}

/// One row of a result, with text-format columns.
public struct PGRow: Sendable {
    public let values: [String?]

    public func string(_ column: Int) -> String? { values[column] }
    public func int64(_ column: Int) -> Int64? { values[column].flatMap { Int64($0) } }
    public func bool(_ column: Int) -> Bool? { values[column].map { $0 == "t" } }

    /// A bytea column in hex output format (`\x…`), PostgreSQL's default.
    public func bytes(_ column: Int) -> [UInt8]? {
        guard let text = values[column] else { return nil }
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") else { return nil }
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return 0
            }
        }
        var out = [UInt8]()
        out.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index + 1 < utf8.count {
            out.append(nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        return out
    }
}
