import Registry
import Varlink

extension RegistryError {
    /// The org.sscard.Registry error for this failure, with its parameters.
    public var varlinkError: VarlinkError {
        let interface = "org.sscard.Registry"
        switch self {
        case let .invalidValue(error):
            return VarlinkError("\(interface).InvalidValue", ["parameter": "", "reason": .string(error.description)])
        case let .cardNotFound(card):
            return VarlinkError("\(interface).CardNotFound", ["cardNumber": .string(card.rawValue)])
        case let .holderNotFound(ssn):
            return VarlinkError("\(interface).HolderNotFound", ["ssn": .string(ssn.rawValue)])
        case let .applicationNotFound(id):
            return VarlinkError("\(interface).ApplicationNotFound", ["applicationId": .int(id)])
        case let .refused(card, refusal):
            var state = "", operation = ""
            switch refusal {
            case let .notAllowed(op, current): (operation, state) = (op.rawValue, current.rawValue)
            case let .counterOnly(op): operation = op.rawValue
            case let .noPreviousState(current): state = current.rawValue
            case .replacementAlreadyBound: (operation, state) = ("releaseLoss", "formallyLost")
            case .deadlineNotReached: (operation, state) = ("autoRelease", "temporarilyLost")
            }
            return VarlinkError("\(interface).TransitionRefused", [
                "cardNumber": .string(card.rawValue), "state": .string(state), "operation": .string(operation),
                "reason": .string(refusal.description),
            ])
        case let .ruleViolated(rule, detail):
            return VarlinkError("\(interface).RuleViolated", ["rule": .string(rule.rawValue), "reason": .string(detail)])
        case let .storeFailure(message):
            return VarlinkError("\(interface).RegistryUnavailable", ["reason": .string(message)])
        case let .storageFull(message):
            return VarlinkError("\(interface).StorageFull", ["reason": .string(message)])
        }
    }
}
