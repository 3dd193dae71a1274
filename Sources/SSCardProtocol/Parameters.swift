import SSCardInterfaces
import SSCardValues
import Varlink

/// Typed access to a call's parameters. Every failure is a varlink error that
/// names the parameter, so a client learns exactly what to fix.
public struct Parameters {
    public let object: [String: JSONValue]
    /// The interface whose InvalidValue error reports bad values.
    let interface: String

    public init(_ value: JSONValue, interface: String) throws(VarlinkError) {
        guard let object = value.object else { throw .invalidParameter("parameters") }
        self.object = object
        self.interface = interface
    }

    func present(_ key: WireKey) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    public func has(_ key: WireKey) -> Bool { present(key) != nil }

    public func string(_ key: WireKey) throws(VarlinkError) -> String {
        guard let value = try optionalString(key) else { throw .invalidParameter(key) }
        return value
    }

    public func optionalString(_ key: WireKey) throws(VarlinkError) -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.string else { throw .invalidParameter(key) }
        return text
    }

    public func int(_ key: WireKey) throws(VarlinkError) -> Int64 {
        guard let value = try optionalInt(key) else { throw .invalidParameter(key) }
        return value
    }

    public func optionalInt(_ key: WireKey) throws(VarlinkError) -> Int64? {
        guard let value = present(key) else { return nil }
        guard let number = value.int else { throw .invalidParameter(key) }
        return number
    }

    public func optionalBool(_ key: WireKey) throws(VarlinkError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard let flag = value.bool else { throw .invalidParameter(key) }
        return flag
    }

    public func nested(_ key: WireKey) throws(VarlinkError) -> Parameters? {
        guard let value = present(key) else { return nil }
        guard value.object != nil else { throw .invalidParameter(key) }
        return try Parameters(value, interface: interface)
    }

    /// A string parsed into a validated value; a parse failure is the
    /// interface's InvalidValue error with the value's own explanation.
    public func value<T>(_ key: WireKey, _ parse: (String) throws(ValueError) -> T) throws(VarlinkError) -> T {
        let text = try string(key)
        do { return try parse(text) } catch { throw invalidValue(key, error.description) }
    }

    public func optionalValue<T>(_ key: WireKey, _ parse: (String) throws(ValueError) -> T) throws(VarlinkError) -> T? {
        guard has(key) else { return nil }
        return try value(key, parse)
    }

    /// One of a fixed set of names (a varlink enum).
    public func choice<T: RawRepresentable>(_ key: WireKey, _: T.Type) throws(VarlinkError) -> T where T.RawValue == String {
        guard let value = try optionalChoice(key, T.self) else { throw .invalidParameter(key) }
        return value
    }

    public func optionalChoice<T: RawRepresentable>(_ key: WireKey, _: T.Type) throws(VarlinkError) -> T?
    where T.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = T(rawValue: text) else { throw invalidValue(key, "\(PrintableText.quoted(text)) is not one of the allowed values") }
        return value
    }

    public func invalidValue(_ key: WireKey, _ reason: String) -> VarlinkError {
        invalidValue(path: key.rawValue, reason)
    }

    /// InvalidValue naming a path inside a parameter, e.g. `evidence.documents[1].numberTail`.
    public func invalidValue(path: String, _ reason: String) -> VarlinkError {
        VarlinkError("\(interface).\(RegistryErrorName.invalidValue.rawValue)",
                     .fields([.parameter: .string(path), .reason: .string(reason)]))
    }

    /// An array of objects, each as Parameters; nil when absent.
    public func optionalObjects(_ key: WireKey) throws(VarlinkError) -> [Parameters]? {
        guard let value = present(key) else { return nil }
        guard let elements = value.array else { throw .invalidParameter(key) }
        var objects: [Parameters] = []
        for element in elements {
            guard element.object != nil else { throw .invalidParameter(key) }
            objects.append(try Parameters(element, interface: interface))
        }
        return objects
    }
}
