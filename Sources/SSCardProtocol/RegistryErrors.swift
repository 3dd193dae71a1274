import Registry
import SSCardInterfaces
import Varlink

extension RegistryError {
    /// The org.sscard.Registry error for this failure, with its parameters.
    public var varlinkError: VarlinkError {
        switch self {
        case let .invalidValue(error):
            return VarlinkError(RegistryErrorName.invalidValue, [.parameter: "", .reason: .string(error.description)])
        case let .cardNotFound(card):
            return VarlinkError(RegistryErrorName.cardNotFound, [.cardNumber: .string(card.rawValue)])
        case let .holderNotFound(ssn):
            return VarlinkError(RegistryErrorName.holderNotFound, [.ssn: .string(ssn.rawValue)])
        case let .applicationNotFound(id):
            return VarlinkError(RegistryErrorName.applicationNotFound, [.applicationId: .int(id)])
        case let .refused(card, refusal):
            var state = "", operation = ""
            switch refusal {
            case let .notAllowed(op, current): (operation, state) = (op.rawValue, current.rawValue)
            case let .counterOnly(op): operation = op.rawValue
            case let .noPreviousState(current): state = current.rawValue
            case .replacementAlreadyBound: (operation, state) = ("releaseLoss", "formallyLost")
            case .deadlineNotReached: (operation, state) = ("autoRelease", "temporarilyLost")
            }
            return VarlinkError(RegistryErrorName.transitionRefused, [
                .cardNumber: .string(card.rawValue), .state: .string(state), .operation: .string(operation),
                .reason: .string(refusal.description),
            ])
        case let .ruleViolated(rule, detail):
            return VarlinkError(RegistryErrorName.ruleViolated, [.rule: .string(rule.rawValue), .reason: .string(detail)])
        case let .storeFailure(message):
            return VarlinkError(RegistryErrorName.registryUnavailable, [.reason: .string(message)])
        case let .storageFull(message):
            return VarlinkError(RegistryErrorName.storageFull, [.reason: .string(message)])
        }
    }
}
