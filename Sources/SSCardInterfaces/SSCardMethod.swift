/// Any method of the org.sscard interfaces: what the access policy is keyed
/// by, so that a policy row can only name a method the IDL declares.
public enum SSCardMethod: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case registry(RegistryMethod)
    case reader(ReaderMethod)

    public static var allCases: [SSCardMethod] {
        RegistryMethod.allCases.map(SSCardMethod.registry) + ReaderMethod.allCases.map(SSCardMethod.reader)
    }

    /// The method a call's qualified `method` names, or nil for any other.
    public init?(name: String) {
        if let method = RegistryMethod(name: name) {
            self = .registry(method)
        } else if let method = ReaderMethod(name: name) {
            self = .reader(method)
        } else {
            return nil
        }
    }

    /// The qualified name: "org.sscard.Reader.ReadCard".
    public var name: String {
        switch self {
        case let .registry(method): method.name
        case let .reader(method): method.name
        }
    }

    public var description: String { name }
}
