/// A JSON document as a plain value.
///
/// Our own type rather than Foundation's `JSONSerialization` because the
/// transport needs exact control: integers stay integers (card numbers and
/// counters must not round-trip through `Double`), parsing is strict and
/// reports byte offsets, and the hot path avoids bridging through `NSObject`.
/// Objects are dictionaries; the serializer sorts keys so output is
/// deterministic.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Numbers written without fraction or exponent that fit in 64 bits.
    case int(Int64)
    /// Every other number; always finite.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    /// The member named `key` when this is an object, else nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer value; a double converts only when it is integral and in range,
    /// because clients in other languages may write `3.0` for 3.
    public var int: Int64? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            guard value.rounded() == value, let exact = Int64(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var object: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// Later duplicates win, as in a dictionary assignment.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text, keys sorted.
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}

extension JSONValue {
    /// Nesting limit for parsing: deep enough for any real call, shallow
    /// enough that a hostile message cannot exhaust a worker thread's stack.
    public static let defaultMaximumDepth = 64

    /// Parses one complete JSON text. See `JSONParser` for the rules.
    public init(parsing bytes: some Collection<UInt8>, maximumDepth: Int = JSONValue.defaultMaximumDepth) throws(JSONError) {
        let parsed: Result<JSONValue, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) in
                var parser = JSONParser(UnsafeRawBufferPointer(buffer), maximumDepth: maximumDepth)
                return try parser.parseDocument()
            }
        }
        if let parsed {
            self = try parsed.get()
            return
        }
        let copy = Array(bytes)
        self = try JSONValue(parsing: copy, maximumDepth: maximumDepth)
    }

    /// Parses JSON text given as a Swift string.
    public init(parsing text: String, maximumDepth: Int = JSONValue.defaultMaximumDepth) throws(JSONError) {
        var text = text
        let parsed: Result<JSONValue, JSONError> = text.withUTF8 { buffer in
            Result { () throws(JSONError) in
                var parser = JSONParser(UnsafeRawBufferPointer(buffer), maximumDepth: maximumDepth)
                return try parser.parseDocument()
            }
        }
        self = try parsed.get()
    }

    /// Compact JSON text as UTF-8 bytes, keys sorted.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }
}
