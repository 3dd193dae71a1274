/// The card state machine: one transition table, enforced in one place.
///
/// Pure values only — no clock, no store — so every row can be tested
/// exhaustively and the state diagram in docs/ is generated from `table`.
public enum CardLifecycle {
    /// Every allowed (state, operation) pair and where it leads. A pair absent
    /// from this table is refused.
    public static let table: [CardOperation: [CardState: LifecycleTarget]] = [
        .activate: [.issued: .state(.active, remembersPrevious: false)],
        .reportTemporaryLoss: [
            .issued: .state(.temporarilyLost, remembersPrevious: true),
            .active: .state(.temporarilyLost, remembersPrevious: true),
            .locked: .state(.temporarilyLost, remembersPrevious: true),
        ],
        .reportFormalLoss: [
            .issued: .state(.formallyLost, remembersPrevious: true),
            .active: .state(.formallyLost, remembersPrevious: true),
            .locked: .state(.formallyLost, remembersPrevious: true),
            // Escalating a temporary loss keeps the state it interrupted.
            .temporarilyLost: .state(.formallyLost, remembersPrevious: true),
        ],
        .releaseLoss: [.temporarilyLost: .previous, .formallyLost: .previous],
        .autoRelease: [.temporarilyLost: .previous],
        .lock: [.active: .state(.locked, remembersPrevious: false)],
        // An active card's unlock only catches its chip up: the registry was
        // unlocked without the card and the chip is still blocked (see `apply`).
        .unlock: [.locked: .state(.active, remembersPrevious: false), .active: .unchanged],
        .resetPassword: [.issued: .unchanged, .active: .unchanged, .locked: .unchanged],
        .changePassword: [.active: .unchanged],
        .seal: [
            .issued: .state(.sealed, remembersPrevious: true),
            .active: .state(.sealed, remembersPrevious: true),
            .locked: .state(.sealed, remembersPrevious: true),
        ],
        .unseal: [.sealed: .previous],
        .cancel: Dictionary(uniqueKeysWithValues: CardState.allCases.filter { $0 != .cancelled }
            .map { ($0, LifecycleTarget.state(.cancelled, remembersPrevious: false)) }),
        .supersede: Dictionary(uniqueKeysWithValues: CardState.allCases.filter { $0 != .cancelled }
            .map { ($0, LifecycleTarget.state(.cancelled, remembersPrevious: false)) }),
    ]

    /// The card's lifecycle fields before or after a transition.
    public struct Position: Hashable, Sendable {
        public var state: CardState
        /// The state a loss or seal interrupted; nil otherwise.
        public var previousState: CardState?

        public init(state: CardState, previousState: CardState? = nil) {
            self.state = state
            self.previousState = previousState
        }
    }

    /// Facts from outside the card row that some rules depend on.
    public struct Conditions: Hashable, Sendable {
        /// A replacement card has already been bound for this card.
        public var replacementBound = false
        /// The operation comes from the service counter (not a kiosk, app or the system).
        public var atCounter = true
        /// The temporary-loss deadline has passed by the wall clock.
        public var deadlinePassed = false
        /// The card's chip is recorded as blocked and the call unblocks it in
        /// a reader: what lets an already active card be unlocked (on the chip alone).
        public var unblocksBlockedChip = false

        public init(replacementBound: Bool = false, atCounter: Bool = true, deadlinePassed: Bool = false,
                    unblocksBlockedChip: Bool = false) {
            self.replacementBound = replacementBound
            self.atCounter = atCounter
            self.deadlinePassed = deadlinePassed
            self.unblocksBlockedChip = unblocksBlockedChip
        }
    }

    /// Applies `operation` to `position`, or says why it cannot be done.
    public static func apply(_ operation: CardOperation, to position: Position,
                             conditions: Conditions = .init()) -> Result<Position, LifecycleRefusal> {
        guard let target = table[operation]?[position.state] else {
            return .failure(.notAllowed(operation: operation, state: position.state))
        }
        switch operation {
        case .releaseLoss where position.state == .formallyLost:
            if conditions.replacementBound { return .failure(.replacementAlreadyBound) }
            if !conditions.atCounter { return .failure(.counterOnly(operation: operation)) }
        case .resetPassword where !conditions.atCounter:
            return .failure(.counterOnly(operation: operation))
        case .autoRelease where !conditions.deadlinePassed:
            return .failure(.deadlineNotReached)
        case .unlock where position.state == .active:
            // Nothing to unlock in the registry; only a blocked chip in a
            // counter's reader makes the call mean something.
            if !conditions.unblocksBlockedChip { return .failure(.notAllowed(operation: operation, state: position.state)) }
            if !conditions.atCounter { return .failure(.counterOnly(operation: operation)) }
        default:
            break
        }
        switch target {
        case .unchanged:
            return .success(position)
        case .previous:
            guard let previous = position.previousState else {
                return .failure(.noPreviousState(state: position.state))
            }
            return .success(Position(state: previous, previousState: nil))
        case let .state(next, remembersPrevious):
            let previous: CardState?
            if !remembersPrevious {
                previous = nil
            } else if position.state == .temporarilyLost, let interrupted = position.previousState {
                previous = interrupted  // escalation keeps what the first report interrupted
            } else {
                previous = position.state
            }
            return .success(Position(state: next, previousState: previous))
        }
    }
}
