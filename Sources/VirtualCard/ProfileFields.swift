import Foundation

/// Typed access to a JSON object's fields, turning every problem into a
/// `CardProfileError` that names the field (with its path, e.g.
/// "faults.delayMs").
struct ProfileFields {
    let object: [String: Any]
    let prefix: String

    init(_ object: [String: Any], prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    func string(_ key: String) throws(CardProfileError) -> String {
        guard has(key) else { throw .missingField(path(key)) }
        guard let value = object[key] as? String else { throw .wrongType(field: path(key), expected: "a string") }
        return value
    }

    func string(_ key: String, default fallback: String) throws(CardProfileError) -> String {
        has(key) ? try string(key) : fallback
    }

    func int(_ key: String) throws(CardProfileError) -> Int {
        guard has(key) else { throw .missingField(path(key)) }
        // JSON numbers arrive as NSNumber; true/false do too, with the
        // "c" (char) type, and are refused.
        guard let number = object[key] as? NSNumber, String(cString: number.objCType) != "c",
              let value = Int(exactly: number.doubleValue) else {
            throw .wrongType(field: path(key), expected: "an integer")
        }
        return value
    }

    func int(_ key: String, default fallback: Int) throws(CardProfileError) -> Int {
        has(key) ? try int(key) : fallback
    }

    func optionalInt(_ key: String) throws(CardProfileError) -> Int? {
        has(key) ? try int(key) : nil
    }

    func object(_ key: String) throws(CardProfileError) -> ProfileFields? {
        guard has(key) else { return nil }
        guard let value = object[key] as? [String: Any] else {
            throw .wrongType(field: path(key), expected: "an object")
        }
        return ProfileFields(value, prefix: path(key))
    }

    /// Hex bytes; spaces allowed. `count` checks the length when given.
    func hex(_ key: String, count: Int? = nil) throws(CardProfileError) -> [UInt8] {
        guard let bytes = HexText.decode(try string(key)) else {
            throw .invalidValue(field: path(key), reason: "not hex")
        }
        if let count, bytes.count != count {
            throw .invalidValue(field: path(key), reason: "expected \(count) bytes, got \(bytes.count)")
        }
        return bytes
    }

    /// Builds a validated value, mapping its error to this field.
    func value<T>(_ key: String, _ make: (String) throws -> T) throws(CardProfileError) -> T {
        let text = try string(key)
        do {
            return try make(text)
        } catch {
            throw .invalidValue(field: path(key), reason: "\(error)")
        }
    }

    /// Digits only, with an exact length.
    func digits(_ key: String, count: Int) throws(CardProfileError) -> String {
        let text = try string(key)
        guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidValue(field: path(key), reason: "expected \(count) digits")
        }
        return text
    }
}
