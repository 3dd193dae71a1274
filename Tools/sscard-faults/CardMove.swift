import SSCardInterfaces
import Varlink

/// A card's lifecycle position as GetStatus reports it.
struct CardPosition: Equatable, CustomStringConvertible {
    var state: String
    var previous: String?

    init(state: String, previous: String? = nil) {
        self.state = state
        self.previous = previous
    }

    /// From a `card` object of a reply.
    init?(_ card: JSONValue?) {
        guard let state = card?[.state]?.string else { return nil }
        self.init(state: state, previous: card?[.previousState]?.string)
    }

    var description: String { previous.map { "\(state)(\($0))" } ?? state }
}

/// The card mutations the crash clients send, with the lifecycle's answer to
/// each: a client predicts the position a call leads to before it sends it,
/// so that after a crash the registry can be held to the prediction.
///
/// This is a copy of the transition table's rows for these moves, written
/// from docs/lifecycle.md, so that a daemon that drifted from the documented
/// rules fails the check instead of being trusted.
enum CardMove: CaseIterable, CustomStringConvertible {
    case reportTemporaryLoss, reportFormalLoss, releaseLoss, lock, unlock, seal, unseal

    var method: String {
        switch self {
        case .reportTemporaryLoss, .reportFormalLoss: return RegistryMethod.reportLoss.name
        case .releaseLoss: return RegistryMethod.releaseLoss.name
        case .lock: return RegistryMethod.lock.name
        case .unlock: return RegistryMethod.unlock.name
        case .seal: return RegistryMethod.seal.name
        case .unseal: return RegistryMethod.unseal.name
        }
    }

    func parameters(_ cardNumber: String) -> JSONValue {
        var parameters: [WireKey: JSONValue] = [.cardNumber: .string(cardNumber), .evidence: FaultHolder.idCard]
        switch self {
        case .reportTemporaryLoss: parameters[.kind] = "temporary"
        case .reportFormalLoss: parameters[.kind] = "formal"
        case .seal, .unseal: parameters[.reason] = "fault run"
        default: break
        }
        return .fields(parameters)
    }

    var description: String {
        switch self {
        case .reportTemporaryLoss: return "reportTemporaryLoss"
        case .reportFormalLoss: return "reportFormalLoss"
        case .releaseLoss: return "releaseLoss"
        case .lock: return "lock"
        case .unlock: return "unlock"
        case .seal: return "seal"
        case .unseal: return "unseal"
        }
    }

    /// Where the move takes a card at `position`, or nil when the lifecycle refuses it.
    func target(from position: CardPosition) -> CardPosition? {
        let state = position.state
        switch self {
        case .reportTemporaryLoss:
            return ["active", "locked"].contains(state) ? CardPosition(state: "temporarilyLost", previous: state) : nil
        case .reportFormalLoss:
            if ["active", "locked"].contains(state) { return CardPosition(state: "formallyLost", previous: state) }
            // Escalating a temporary loss keeps the state the first report interrupted.
            if state == "temporarilyLost" { return CardPosition(state: "formallyLost", previous: position.previous) }
            return nil
        case .releaseLoss:
            guard ["temporarilyLost", "formallyLost"].contains(state), let previous = position.previous else { return nil }
            return CardPosition(state: previous)
        case .lock: return state == "active" ? CardPosition(state: "locked") : nil
        case .unlock: return state == "locked" ? CardPosition(state: "active") : nil
        case .seal:
            return ["active", "locked"].contains(state) ? CardPosition(state: "sealed", previous: state) : nil
        case .unseal:
            guard state == "sealed", let previous = position.previous else { return nil }
            return CardPosition(state: previous)
        }
    }
}
