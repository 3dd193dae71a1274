import Varlink

/// Building and reading org.sscard JSON by typed key, so that a misspelt key
/// does not compile instead of travelling silently.
extension JSONValue {
    /// An object with these fields: `.fields([.cardNumber: .string(number)])`.
    public static func fields(_ fields: [WireKey: JSONValue]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key.rawValue, $0.value) }))
    }

    /// The value of an object's field, or nil.
    public subscript(key: WireKey) -> JSONValue? { self[key.rawValue] }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// An object's field by typed key, for replies assembled field by field.
    public subscript(key: WireKey) -> JSONValue? {
        get { self[key.rawValue] }
        set { self[key.rawValue] = newValue }
    }
}

extension VarlinkError {
    /// org.varlink.service.InvalidParameter naming an org.sscard key.
    public static func invalidParameter(_ key: WireKey) -> VarlinkError { invalidParameter(key.rawValue) }
}
