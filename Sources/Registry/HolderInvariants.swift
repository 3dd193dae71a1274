/// The invariants that hold for every holder after every committed change.
///
/// - At most one card holds the holder's place (`CardState.holdsTheHoldersPlace`).
/// - The only other card a holder may have on its way is a replacement in
///   production: at most one open application, and an open first-card
///   application only while no card holds the place.
/// - A card with a bound replacement is cancelled (binding supersedes it), so
///   a formal loss can no longer be released once its replacement exists.
/// - Fees follow the reason: a first card is free; a replacement costs its
///   reason's fee, and the settlement matches the fee (free only at 0).
///
/// The registry enforces them rule by rule (apply, replace, bind, the
/// lifecycle); `violations` restates them as one check over a holder's rows,
/// which `bind` runs before its commit and the property test runs after
/// every step on both engines.
public enum HolderInvariants {
    public static func violations(cards: [CardRecord], applications: [Application]) -> [String] {
        var found: [String] = []
        let holding = cards.filter { $0.state.holdsTheHoldersPlace }
        if holding.count > 1 {
            found.append("onePlaceHolder: \(holding.count) cards hold the place ("
                         + holding.map { "\($0.cardNumber.rawValue) \($0.state.rawValue)" }.joined(separator: ", ") + ")")
        }
        let open = applications.filter(\.isOpen)
        if open.count > 1 {
            found.append("oneApplicationInProgress: \(open.count) applications are open")
        }
        for application in open where application.replaces == nil && !holding.isEmpty {
            found.append("firstCardWhilePlaceHeld: application \(application.id) is a first card while "
                         + "\(holding[0].cardNumber.rawValue) (\(holding[0].state.rawValue)) holds the place")
        }
        for card in cards where card.replacedBy != nil && card.state != .cancelled {
            found.append("replacedCardCancelled: \(card.cardNumber.rawValue) has a bound replacement but is \(card.state.rawValue)")
        }
        for application in applications {
            switch application.kind {
            case .first where application.feeFen != 0:
                found.append("feePerReason: first-card application \(application.id) charges \(application.feeFen)")
            case let .replacement(_, reason) where application.feeFen != reason.feeFen:
                found.append("feePerReason: application \(application.id) (\(reason.rawValue)) charges \(application.feeFen), not \(reason.feeFen)")
            default:
                break
            }
            if (application.feeFen == 0) != (application.feeSettlement == .free) {
                found.append("feeSettlement: application \(application.id) charges \(application.feeFen) and is \(application.feeSettlement.rawValue)")
            }
        }
        return found
    }
}
