/// A calendar date without a time zone: birth, issue and expiry dates.
///
/// Cards store these as BCD YYYYMMDD and the protocol shows them as
/// YYYY-MM-DD; neither is an instant, so they are kept apart from `Date`.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int, field: String = "date") throws(ValueError) {
        guard Self.isValid(year: year, month: month, day: day) else { throw .invalidDate(field: field) }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses YYYYMMDD (the card's form) or YYYY-MM-DD (the protocol's form).
    public init(_ text: String, field: String = "date") throws(ValueError) {
        let bytes = Array(text.utf8)
        let digits: [UInt8]
        switch bytes.count {
        case 8:
            digits = bytes
        case 10:
            for position in [4, 7] where bytes[position] != UInt8(ascii: "-") {
                throw .invalidCharacter(field: field, position: position + 1)
            }
            digits = Array(bytes[0..<4] + bytes[5..<7] + bytes[8..<10])
        default:
            throw .wrongLength(field: field, expected: "YYYYMMDD or YYYY-MM-DD", actual: bytes.count)
        }
        var values = [Int]()
        for (index, byte) in digits.enumerated() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidCharacter(field: field, position: index + 1)
            }
            values.append(Int(byte - UInt8(ascii: "0")))
        }
        let year = values[0...3].reduce(0) { $0 * 10 + $1 }
        try self.init(year: year, month: values[4] * 10 + values[5], day: values[6] * 10 + values[7], field: field)
    }

    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// YYYY-MM-DD.
    public var description: String { text(separator: UInt8(ascii: "-")) }

    /// YYYYMMDD, the iReadCardBas and chip form.
    public var compact: String { text(separator: nil) }

    /// The digits written straight into the string's storage: a batch of
    /// 100,000 cards writes two dates a row, twice (its digest and its rows).
    private func text(separator: UInt8?) -> String {
        let length = separator == nil ? 8 : 10
        return String(unsafeUninitializedCapacity: length) { buffer in
            var position = 0
            func put(_ value: Int, width: Int) {
                var rest = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[position + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                position += width
            }
            put(year, width: 4)  // 1...9999 (`isValid`)
            if let separator { buffer[position] = separator; position += 1 }
            put(month, width: 2)
            if let separator { buffer[position] = separator; position += 1 }
            put(day, width: 2)
            return position
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch { throw error }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
