/// An error reply: a qualified error name and its parameters object.
///
/// Both handlers (to fail a call) and `VarlinkClient` (for error replies)
/// use it, so a daemon error travels to sscardctl unchanged.
public struct VarlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Qualified error name, e.g. `org.sscard.Registry.CardNotFound`.
    public let name: String
    /// Always a JSON object.
    public let parameters: JSONValue

    public init(_ name: String, _ parameters: JSONValue = .object([:])) {
        self.name = name
        self.parameters = parameters.object == nil ? .object([:]) : parameters
    }

    public var description: String {
        parameters.object?.isEmpty ?? true ? name : "\(name) \(parameters)"
    }
}

extension VarlinkError {
    /// The standard errors of `org.varlink.service`, which every peer understands.
    public static func interfaceNotFound(_ interface: String) -> VarlinkError {
        VarlinkError("org.varlink.service.InterfaceNotFound", ["interface": .string(interface)])
    }

    public static func methodNotFound(_ method: String) -> VarlinkError {
        VarlinkError("org.varlink.service.MethodNotFound", ["method": .string(method)])
    }

    public static func methodNotImplemented(_ method: String) -> VarlinkError {
        VarlinkError("org.varlink.service.MethodNotImplemented", ["method": .string(method)])
    }

    public static func invalidParameter(_ parameter: String) -> VarlinkError {
        VarlinkError("org.varlink.service.InvalidParameter", ["parameter": .string(parameter)])
    }

    public static let permissionDenied = VarlinkError("org.varlink.service.PermissionDenied")

    /// For methods that only make sense as a stream (`more: true`).
    public static let expectedMore = VarlinkError("org.varlink.service.ExpectedMore")
}
