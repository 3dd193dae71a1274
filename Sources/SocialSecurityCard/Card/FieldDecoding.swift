import Foundation
import PCSC
import SSCardValues

/// Decoders for the chip's record encodings: the tag-length-value wrapper,
/// F-padded BCD, 0x00-padded ASCII and GB18030.
///
/// Every function checks before it indexes, and reports through
/// `CardError`, because the bytes come from a card that may be damaged,
/// counterfeit or half-removed.
enum FieldDecoding {
    /// The value of a READ RECORD response: checks tag, length and that no
    /// bytes trail the value.
    static func value(of data: [UInt8], field: CardField) throws(CardError) -> [UInt8] {
        guard data.count >= 2 else { throw .truncatedRecord(field, received: data.count) }
        guard data[0] == field.tag else { throw .wrongTag(field, found: data[0]) }
        let length = Int(data[1])
        guard field.acceptedLengths.contains(length) else { throw .wrongLength(field, actual: length) }
        guard data.count >= 2 + length else { throw .truncatedRecord(field, received: data.count) }
        guard data.count == 2 + length else { throw .wrongLength(field, actual: data.count - 2) }
        return Array(data[2...])
    }

    /// BCD digits, left-aligned and padded with F nibbles (cn format).
    static func bcd(_ bytes: [UInt8], field: CardField) throws(CardError) -> String {
        var digits = [UInt8]()
        var padding = false
        for byte in bytes {
            for nibble in [byte >> 4, byte & 0x0F] {
                if nibble == 0x0F {
                    padding = true
                } else if nibble <= 9, !padding {
                    digits.append(UInt8(ascii: "0") + nibble)
                } else {
                    throw .invalidField(field, .invalidBCD)
                }
            }
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// A BCD YYYYMMDD date.
    static func date(_ bytes: [UInt8], field: CardField) throws(CardError) -> CalendarDate {
        let digits = try bcd(bytes, field: field)
        guard digits.count == 8 else { throw .invalidField(field, .invalidBCD) }
        do {
            return try CalendarDate(digits, field: "\(field)")
        } catch {
            throw .invalidField(field, .invalidValue(error))
        }
    }

    /// Printable ASCII with trailing 0x00 padding removed (an format).
    static func ascii(_ bytes: [UInt8], field: CardField) throws(CardError) -> String {
        let text = trimmingPadding(bytes)
        for byte in text where byte < 0x20 || byte > 0x7E { throw .invalidField(field, .notASCII) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Drops the 0x00 padding at the end of a name field.
    static func trimmingPadding(_ bytes: [UInt8]) -> [UInt8] {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 { end -= 1 }
        return Array(bytes[0..<end])
    }

    /// GB18030 text. The byte structure is checked here first, so that the
    /// decision does not rest on how lenient the platform decoder is; a
    /// replacement character in the result is refused too.
    static func gb18030(_ bytes: [UInt8], field: CardField) throws(CardError) -> String {
        guard isWellFormedGB18030(bytes),
              let text = GB18030.decode(bytes),
              !text.unicodeScalars.contains("\u{FFFD}") else {
            throw .invalidField(field, .invalidGB18030)
        }
        return text
    }

    /// GB18030's byte grammar: one byte 00-7F; two bytes 81-FE then 40-7E or
    /// 80-FE; four bytes 81-FE, 30-39, 81-FE, 30-39.
    static func isWellFormedGB18030(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let first = bytes[index]
            if first < 0x80 { index += 1; continue }
            guard (0x81...0xFE).contains(first), index + 1 < bytes.count else { return false }
            let second = bytes[index + 1]
            if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) {
                index += 2
            } else if (0x30...0x39).contains(second) {
                guard index + 3 < bytes.count, (0x81...0xFE).contains(bytes[index + 2]),
                      (0x30...0x39).contains(bytes[index + 3]) else { return false }
                index += 4
            } else {
                return false
            }
        }
        return true
    }
}
