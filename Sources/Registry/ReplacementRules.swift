/// The rules a replacement application must meet beyond the lifecycle: which
/// reasons fit the card's state, and the facts the registry can check itself
/// (the holder's age from the social security number, the card's generation).
///
/// Pure, like `CardLifecycle`: every row is tested in ReplacementRulesTests.
public enum ReplacementRules {
    /// What the registry knows when a replacement is asked for.
    public struct Facts: Hashable, Sendable {
        public var cardState: CardState
        /// The card's generation; nil when it was bound before generations were recorded.
        public var cardGeneration: Int?
        /// The holder's age today, in whole years.
        public var holderAge: Int
        /// The holder's age when the card was applied for; nil when unknown.
        public var holderAgeWhenCardMade: Int?

        public init(cardState: CardState, cardGeneration: Int? = nil, holderAge: Int,
                    holderAgeWhenCardMade: Int? = nil) {
            self.cardState = cardState
            self.cardGeneration = cardGeneration
            self.holderAge = holderAge
            self.holderAgeWhenCardMade = holderAgeWhenCardMade
        }
    }

    /// Why a replacement is refused; each names the rule and the state or fact.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// A cancelled card has nothing left to replace.
        case cardCancelled
        /// A reported-lost card is replaced only as lost (补领), at its fee.
        case lostCardNeedsReasonLost(state: CardState, reason: ReplacementReason)
        /// "lost" needs the loss reported first.
        case lossNotReported(state: CardState)
        case childNotYetSeven(age: Int)
        /// The card being replaced was already made at 7 or later.
        case cardMadeAfterSeven(ageWhenMade: Int)
        case alreadyNewestGeneration(generation: Int)

        public var description: String {
            switch self {
            case .cardCancelled:
                return "replacementOfCancelledCard: the card is cancelled and cannot be replaced"
            case let .lostCardNeedsReasonLost(state, reason):
                return "lostCardReplacedAsLost: the card is \(state.rawValue), so its replacement is for reason lost, not \(reason.rawValue)"
            case let .lossNotReported(state):
                return "lossReportedFirst: replacement for reason lost needs a loss report; the card is \(state.rawValue)"
            case let .childNotYetSeven(age):
                return "childReachedSeven: the holder is \(age), not yet 7"
            case let .cardMadeAfterSeven(age):
                return "childReachedSeven: the card was applied for at age \(age), already 7 or older"
            case let .alreadyNewestGeneration(generation):
                return "generationUpgrade: the card is generation \(generation), already the newest (\(CardGeneration.newest))"
            }
        }
    }

    /// The fee in fen for `reason` on a card with these facts, or the refusal.
    public static func check(_ reason: ReplacementReason, _ facts: Facts) -> Result<Int, Refusal> {
        let lossReported = facts.cardState == .temporarilyLost || facts.cardState == .formallyLost
        if facts.cardState == .cancelled { return .failure(.cardCancelled) }
        if lossReported && reason != .lost {
            return .failure(.lostCardNeedsReasonLost(state: facts.cardState, reason: reason))
        }
        switch reason {
        case .lost where !lossReported:
            return .failure(.lossNotReported(state: facts.cardState))
        case .childReachedSeven where facts.holderAge < 7:
            return .failure(.childNotYetSeven(age: facts.holderAge))
        case .childReachedSeven:
            if let made = facts.holderAgeWhenCardMade, made >= 7 { return .failure(.cardMadeAfterSeven(ageWhenMade: made)) }
        case .generationUpgrade:
            if let generation = facts.cardGeneration, generation >= CardGeneration.newest {
                return .failure(.alreadyNewestGeneration(generation: generation))
            }
        default:
            break
        }
        return .success(reason.feeFen)
    }
}
