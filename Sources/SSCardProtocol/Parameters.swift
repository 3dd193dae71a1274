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

    func present(_ name: String) -> JSONValue? {
        guard let value = object[name], !value.isNull else { return nil }
        return value
    }

    public func has(_ name: String) -> Bool { present(name) != nil }

    public func string(_ name: String) throws(VarlinkError) -> String {
        guard let value = try optionalString(name) else { throw .invalidParameter(name) }
        return value
    }

    public func optionalString(_ name: String) throws(VarlinkError) -> String? {
        guard let value = present(name) else { return nil }
        guard let text = value.string else { throw .invalidParameter(name) }
        return text
    }

    public func int(_ name: String) throws(VarlinkError) -> Int64 {
        guard let value = try optionalInt(name) else { throw .invalidParameter(name) }
        return value
    }

    public func optionalInt(_ name: String) throws(VarlinkError) -> Int64? {
        guard let value = present(name) else { return nil }
        guard let number = value.int else { throw .invalidParameter(name) }
        return number
    }

    public func optionalBool(_ name: String) throws(VarlinkError) -> Bool? {
        guard let value = present(name) else { return nil }
        guard let flag = value.bool else { throw .invalidParameter(name) }
        return flag
    }

    public func nested(_ name: String) throws(VarlinkError) -> Parameters? {
        guard let value = present(name) else { return nil }
        guard value.object != nil else { throw .invalidParameter(name) }
        return try Parameters(value, interface: interface)
    }

    /// A string parsed into a validated value; a parse failure is the
    /// interface's InvalidValue error with the value's own explanation.
    public func value<T>(_ name: String, _ parse: (String) throws(ValueError) -> T) throws(VarlinkError) -> T {
        let text = try string(name)
        do { return try parse(text) } catch { throw invalidValue(name, error.description) }
    }

    public func optionalValue<T>(_ name: String, _ parse: (String) throws(ValueError) -> T) throws(VarlinkError) -> T? {
        guard has(name) else { return nil }
        return try value(name, parse)
    }

    /// One of a fixed set of names (a varlink enum).
    public func choice<T: RawRepresentable>(_ name: String, _: T.Type) throws(VarlinkError) -> T where T.RawValue == String {
        guard let value = try optionalChoice(name, T.self) else { throw .invalidParameter(name) }
        return value
    }

    public func optionalChoice<T: RawRepresentable>(_ name: String, _: T.Type) throws(VarlinkError) -> T?
    where T.RawValue == String {
        guard let text = try optionalString(name) else { return nil }
        guard let value = T(rawValue: text) else { throw invalidValue(name, "'\(text)' is not one of the allowed values") }
        return value
    }

    public func invalidValue(_ name: String, _ reason: String) -> VarlinkError {
        VarlinkError("\(interface).InvalidValue", ["parameter": .string(name), "reason": .string(reason)])
    }
}
