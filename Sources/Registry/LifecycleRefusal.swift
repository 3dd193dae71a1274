/// Why the lifecycle refuses an operation. Each case names the current state
/// or the rule, so the operator at the counter can tell the holder why.
public enum LifecycleRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    case notAllowed(operation: CardOperation, state: CardState)
    case replacementAlreadyBound
    case counterOnly(operation: CardOperation)
    case deadlineNotReached
    case noPreviousState(state: CardState)

    public var description: String {
        switch self {
        case let .notAllowed(operation, state):
            return "\(operation.rawValue) is not allowed while the card is \(state.rawValue)"
        case .replacementAlreadyBound:
            return "a formal loss cannot be released: a replacement card has already been bound"
        case let .counterOnly(operation):
            return "\(operation.rawValue) is offered at the service counter only"
        case .deadlineNotReached:
            return "the temporary-loss deadline has not been reached"
        case let .noPreviousState(state):
            return "the card is \(state.rawValue) but no interrupted state was recorded"
        }
    }
}
