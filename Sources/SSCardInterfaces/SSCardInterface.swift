/// The two org.sscard varlink interfaces sscardd serves. Their descriptions
/// (Interfaces/*.varlink, embedded as `InterfaceDescriptions`) are the wire
/// contract; every name in this module is checked against them by
/// SSCardInterfacesTests, both ways.
public enum SSCardInterface: String, CaseIterable, Hashable, Sendable {
    case registry = "org.sscard.Registry"
    case reader = "org.sscard.Reader"

    /// The interface's IDL text, as served by org.varlink.service.GetInterfaceDescription.
    public var interfaceDescription: String {
        switch self {
        case .registry: InterfaceDescriptions.registry
        case .reader: InterfaceDescriptions.reader
        }
    }
}

/// A method or an error of one org.sscard interface: its raw value is the
/// member's name in the IDL ("GetStatus"), `name` the qualified name that
/// goes on the wire ("org.sscard.Registry.GetStatus").
public protocol InterfaceMember: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    static var interface: SSCardInterface { get }
}

extension InterfaceMember {
    /// The qualified name, as a call's `method` or a reply's `error` spells it.
    public var name: String { "\(Self.interface.rawValue).\(rawValue)" }

    /// The member a qualified name names, if it is one of this interface's.
    public init?(name: String) {
        let prefix = Self.interface.rawValue + "."
        guard name.hasPrefix(prefix) else { return nil }
        self.init(rawValue: String(name.dropFirst(prefix.count)))
    }
}

extension SSCardInterface {
    /// PermissionDenied, which both interfaces declare, of the interface a
    /// call named (org.sscard.Registry's when the call named neither).
    public static func permissionDenied(_ interface: String) -> String {
        switch SSCardInterface(rawValue: interface) {
        case .reader: ReaderErrorName.permissionDenied.name
        case .registry, nil: RegistryErrorName.permissionDenied.name
        }
    }
}
