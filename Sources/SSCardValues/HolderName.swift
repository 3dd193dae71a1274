import Foundation

/// A holder's name as the chip stores it: GB18030 text in the 30-byte name
/// field (EF06 tag 09) plus, for long names, the 20-byte extension (tag 4E).
///
/// The registry refuses a name the card could not carry, so that what the
/// counter records is always what the chip will say.
public struct HolderName: ValidatedText, CustomStringConvertible {
    public let rawValue: String

    /// Bytes in the name field, and in the extension field.
    public static let fieldBytes = 30
    public static let extensionBytes = 20

    /// GB18030-2000 as Foundation names it on Linux (CFStringEncoding 0x0632),
    /// for code that wants Foundation's converter; sscard itself uses `GB18030`.
    public static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    public init(_ text: String) throws(ValueError) {
        let field = "name"
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        guard !scalars.isEmpty else { throw .empty(field: field) }
        // Control characters (Cc): C0, DEL and C1.
        for (index, scalar) in scalars.enumerated() where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            throw .invalidCharacter(field: field, position: index + 1)
        }
        let trimmed = String(String.UnicodeScalarView(scalars))
        guard let bytes = GB18030.encode(trimmed) else { throw .notEncodable(field: field) }
        let limit = Self.fieldBytes + Self.extensionBytes
        guard bytes.count <= limit else {
            throw .wrongLength(field: field, expected: "at most \(limit) GB18030 bytes", actual: bytes.count)
        }
        rawValue = trimmed
    }

    /// The name's GB18030 bytes.
    public var gb18030Bytes: [UInt8] { GB18030.encode(rawValue) ?? [] }

    /// The bytes for the name field and for the extension, split without
    /// cutting a multi-byte character; the extension is empty for short names.
    public var chipFields: (name: [UInt8], extension: [UInt8]) {
        var head = [UInt8]()
        var tail = [UInt8]()
        for char in rawValue {
            let bytes = GB18030.encode(String(char)) ?? []
            if tail.isEmpty && head.count + bytes.count <= Self.fieldBytes {
                head += bytes
            } else {
                tail += bytes
            }
        }
        return (head, tail)
    }

    /// Masked for logs: the family name's first character stays.
    public var description: String { PersonalData.maskName(rawValue) }
}
