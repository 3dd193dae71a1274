import SSCardValues

/// A cardholder PIN: 4-16 decimal digits (6 in practice).
///
/// Its only text form is redacted: `description`, `debugDescription` and the
/// mirror never show the digits, so a PIN cannot reach a log by accident.
public struct PIN: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The digits as values 0-9, in memory of their own that is cleared
    /// when the last copy of this PIN goes (`SecretBytes`).
    private let digits: SecretBytes

    public static let allowedLengths = 4...16

    public init(_ text: String) throws(PINError) {
        var values = [UInt8]()
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard ("0"..."9").contains(scalar) else { throw .notADigit(position: index + 1) }
            values.append(UInt8(scalar.value - 48))
        }
        guard Self.allowedLengths.contains(values.count) else {
            SecretBytes.clear(&values)
            throw .wrongLength(actual: values.count)
        }
        digits = SecretBytes(consuming: &values)
    }

    /// Decodes the card form (the virtual card's side).
    public init(encoded bytes: [UInt8]) throws(PINError) {
        var values = [UInt8]()
        var padding = false
        for byte in bytes {
            for nibble in [byte >> 4, byte & 0x0F] {
                if nibble == 0x0F {
                    padding = true
                } else if nibble <= 9, !padding {
                    values.append(nibble)
                } else {
                    throw .notADigit(position: values.count + 1)
                }
            }
        }
        guard Self.allowedLengths.contains(values.count), bytes.count == (values.count + 1) / 2 else {
            let count = values.count
            SecretBytes.clear(&values)
            throw .wrongLength(actual: count)
        }
        digits = SecretBytes(consuming: &values)
    }

    /// BCD, two digits a byte, an odd last digit padded with F:
    /// 123456 → `12 34 56`, 12345 → `12 34 5F`.
    public var encoded: [UInt8] {
        digits.withBytes { digits in
            stride(from: 0, to: digits.count, by: 2).map { index in
                digits[index] << 4 | (index + 1 < digits.count ? digits[index + 1] : 0x0F)
            }
        }
    }

    public var length: Int { digits.count }

    public static func == (lhs: PIN, rhs: PIN) -> Bool { lhs.digits == rhs.digits }

    /// Only the length: a hash of the digits would be a PIN oracle in memory.
    public func hash(into hasher: inout Hasher) { hasher.combine(digits.count) }

    public var description: String { "PIN(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// Why text is not a PIN. Says where, never what.
public enum PINError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongLength(actual: Int)
    case notADigit(position: Int)

    public var description: String {
        switch self {
        case let .wrongLength(actual): return "PIN: expected 4-16 digits, got \(actual)"
        case let .notADigit(position): return "PIN: character \(position) is not a digit"
        }
    }
}
