/// PIN digits typed on the keypad: values 0-9 in one byte buffer that is
/// allocated once at its full capacity (so appending never leaves a copy
/// behind in a freed, larger-growing buffer) and overwritten with zeros by
/// `wipe()`. Its text forms never show the digits.
///
/// A value type, so the state machine stays a plain value; it is handed
/// over with `take()`, which leaves no second reference behind, and `wipe()`
/// zeroes the shared storage in place.
public struct PinDigits: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The card accepts 4-16 digits; kiosks use 6 in practice.
    public static let capacity = 16
    public static let minimumLength = 4

    private var digits: [UInt8] = []

    public init() {}

    /// For tests: digits from a string of decimal characters.
    public init(_ text: String) {
        for scalar in text.unicodeScalars where ("0"..."9").contains(scalar) {
            append(UInt8(scalar.value - 48))
        }
    }

    public var count: Int { digits.count }
    public var isEmpty: Bool { digits.isEmpty }
    public var isComplete: Bool { digits.count >= Self.minimumLength }

    public mutating func append(_ digit: UInt8) {
        guard digit <= 9, digits.count < Self.capacity else { return }
        if digits.capacity < Self.capacity { digits.reserveCapacity(Self.capacity) }
        digits.append(digit)
    }

    /// Removes the last digit after overwriting it.
    public mutating func removeLast() {
        guard !digits.isEmpty else { return }
        overwrite(from: digits.count - 1)
        digits.removeLast()
    }

    /// Overwrites every digit with zero, then empties the value.
    ///
    /// The zeros go into the storage itself, even when another copy shares
    /// it (copy-on-write would otherwise copy first and leave the digits in
    /// the original): a stale copy of a PIN is exactly what must not survive.
    public mutating func wipe() {
        overwrite(from: 0)
        digits.removeAll(keepingCapacity: true)
    }

    private func overwrite(from start: Int) {
        digits.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, start < buffer.count else { return }
            UnsafeMutablePointer(mutating: base + start).update(repeating: 0, count: buffer.count - start)
        }
    }

    /// Moves the digits out, leaving this value empty.
    public mutating func take() -> PinDigits {
        let taken = self
        self = PinDigits()
        return taken
    }

    /// Calls `body` with the digits as ASCII characters in a scratch buffer
    /// that is wiped before returning.
    public func withASCII<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        var ascii = [UInt8](repeating: 0, count: Self.capacity)
        defer {
            ascii.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = 0 }
            }
        }
        for (index, digit) in digits.enumerated() { ascii[index] = digit + 48 }
        return try ascii.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<digits.count])) }
    }

    public static func == (lhs: PinDigits, rhs: PinDigits) -> Bool { lhs.digits == rhs.digits }

    public var description: String { String(repeating: "*", count: digits.count) }
    public var debugDescription: String { "PinDigits(\(digits.count) digits)" }
    public var customMirror: Mirror { Mirror(self, children: ["count": digits.count]) }
}
