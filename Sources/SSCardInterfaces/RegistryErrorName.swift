import Varlink

/// The errors of org.sscard.Registry (Interfaces/org.sscard.Registry.varlink).
public enum RegistryErrorName: String, InterfaceMember {
    public static let interface = SSCardInterface.registry

    case cardNotFound = "CardNotFound"
    case holderNotFound = "HolderNotFound"
    case applicationNotFound = "ApplicationNotFound"
    case transitionRefused = "TransitionRefused"
    case ruleViolated = "RuleViolated"
    case invalidValue = "InvalidValue"
    case permissionDenied = "PermissionDenied"
    case registryUnavailable = "RegistryUnavailable"
    case storageFull = "StorageFull"
    case identityMismatch = "IdentityMismatch"
    case batchRejected = "BatchRejected"
    case batchConflict = "BatchConflict"
    case importSessionInvalid = "ImportSessionInvalid"
}

extension VarlinkError {
    /// An org.sscard.Registry error with its parameters.
    public init(_ error: RegistryErrorName, _ parameters: [WireKey: JSONValue] = [:]) {
        self.init(error.name, .fields(parameters))
    }

    /// Whether this is the given org.sscard.Registry error.
    public func `is`(_ error: RegistryErrorName) -> Bool { name == error.name }
}
