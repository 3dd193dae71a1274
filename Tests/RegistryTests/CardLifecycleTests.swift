import Testing
@testable import Registry

/// The pure state machine, over every (state, operation) pair.
@Suite struct CardLifecycleTests {
    static let pairs: [(CardState, CardOperation)] = CardState.allCases.flatMap { state in
        CardOperation.allCases.map { (state, $0) }
    }

    /// Conditions under which every rule other than the table itself is satisfied.
    static let permissive = CardLifecycle.Conditions(replacementBound: false, atCounter: true, deadlinePassed: true,
                                                     unblocksBlockedChip: true)

    @Test(arguments: pairs)
    func everyPairIsAllowedExactlyWhenTheTableSaysSo(_ state: CardState, _ operation: CardOperation) {
        let previous: CardState? = [.temporarilyLost, .formallyLost, .sealed].contains(state) ? .active : nil
        let result = CardLifecycle.apply(operation, to: .init(state: state, previousState: previous),
                                         conditions: Self.permissive)
        switch (CardLifecycle.table[operation]?[state], result) {
        case let (.state(next, remembers)?, .success(position)):
            #expect(position.state == next)
            #expect((position.previousState != nil) == remembers)
        case (.previous?, .success(let position)):
            #expect(position.state == .active)
            #expect(position.previousState == nil)
        case (.unchanged?, .success(let position)):
            #expect(position.state == state)
        case (nil, .failure(let refusal)):
            #expect(refusal == .notAllowed(operation: operation, state: state))
            #expect(refusal.description.contains(state.rawValue))
        default:
            Issue.record("table and apply disagree for \(operation) in \(state): \(result)")
        }
    }

    @Test func cancelledIsTerminal() {
        for operation in CardOperation.allCases {
            #expect(throws: LifecycleRefusal.self) {
                try CardLifecycle.apply(operation, to: .init(state: .cancelled), conditions: Self.permissive).get()
            }
        }
    }

    @Test(arguments: [CardState.issued, .active, .locked])
    func releaseRestoresExactlyTheInterruptedState(_ start: CardState) throws {
        let lost = try CardLifecycle.apply(.reportTemporaryLoss, to: .init(state: start)).get()
        #expect(lost == .init(state: .temporarilyLost, previousState: start))
        let released = try CardLifecycle.apply(.releaseLoss, to: lost).get()
        #expect(released == .init(state: start))
        let expired = try CardLifecycle.apply(.autoRelease, to: lost, conditions: .init(deadlinePassed: true)).get()
        #expect(expired == .init(state: start))
    }

    @Test func escalatingToFormalLossKeepsTheOriginalState() throws {
        let lost = try CardLifecycle.apply(.reportTemporaryLoss, to: .init(state: .locked)).get()
        let formal = try CardLifecycle.apply(.reportFormalLoss, to: lost).get()
        #expect(formal == .init(state: .formallyLost, previousState: .locked))
        #expect(try CardLifecycle.apply(.releaseLoss, to: formal).get() == .init(state: .locked))
    }

    @Test func formalLossReleaseNeedsTheCounterAndNoBoundReplacement() {
        let formal = CardLifecycle.Position(state: .formallyLost, previousState: .active)
        #expect(CardLifecycle.apply(.releaseLoss, to: formal, conditions: .init(replacementBound: true))
            == .failure(.replacementAlreadyBound))
        #expect(CardLifecycle.apply(.releaseLoss, to: formal, conditions: .init(atCounter: false))
            == .failure(.counterOnly(operation: .releaseLoss)))
        // A temporary loss may be released from any channel.
        let temporary = CardLifecycle.Position(state: .temporarilyLost, previousState: .active)
        #expect(CardLifecycle.apply(.releaseLoss, to: temporary, conditions: .init(atCounter: false))
            == .success(.init(state: .active)))
    }

    @Test func autoReleaseNeverBeforeTheDeadline() {
        let lost = CardLifecycle.Position(state: .temporarilyLost, previousState: .active)
        #expect(CardLifecycle.apply(.autoRelease, to: lost, conditions: .init(deadlinePassed: false))
            == .failure(.deadlineNotReached))
    }

    /// An active card's unlock is the chip catching up with a registry-only
    /// unlock: allowed only when its chip is recorded as blocked and is
    /// unblocked now at a counter reader; the state stays active.
    @Test func unlockOfAnActiveCardOnlyUnblocksABlockedChipAtTheCounter() {
        let active = CardLifecycle.Position(state: .active)
        #expect(CardLifecycle.apply(.unlock, to: active) == .failure(.notAllowed(operation: .unlock, state: .active)))
        #expect(CardLifecycle.apply(.unlock, to: active, conditions: .init(unblocksBlockedChip: true)) == .success(active))
        #expect(CardLifecycle.apply(.unlock, to: active, conditions: .init(atCounter: false, unblocksBlockedChip: true))
            == .failure(.counterOnly(operation: .unlock)))
        // A locked card unlocks from any channel the policy offers, chip or not.
        #expect(CardLifecycle.apply(.unlock, to: .init(state: .locked), conditions: .init(atCounter: false))
            == .success(active))
        // Lost cards are never unlocked (nor locked), chip or not.
        for state in [CardState.temporarilyLost, .formallyLost] {
            let lost = CardLifecycle.Position(state: state, previousState: .locked)
            #expect(CardLifecycle.apply(.unlock, to: lost, conditions: Self.permissive)
                == .failure(.notAllowed(operation: .unlock, state: state)))
            #expect(CardLifecycle.apply(.lock, to: lost, conditions: Self.permissive)
                == .failure(.notAllowed(operation: .lock, state: state)))
        }
    }

    @Test func passwordResetIsCounterOnly() {
        #expect(CardLifecycle.apply(.resetPassword, to: .init(state: .active), conditions: .init(atCounter: false))
            == .failure(.counterOnly(operation: .resetPassword)))
    }

    @Test func unsealRestoresTheSealedState() throws {
        let sealed = try CardLifecycle.apply(.seal, to: .init(state: .locked)).get()
        #expect(try CardLifecycle.apply(.unseal, to: sealed).get() == .init(state: .locked))
    }

    /// Which states hold the holder's place (issue 17): every state a card
    /// can come back from without a new card, formal loss included.
    @Test(arguments: [(CardState.issued, true), (.active, true), (.locked, true), (.temporarilyLost, true),
                      (.formallyLost, true), (.sealed, true), (.cancelled, false)])
    func holdsTheHoldersPlace(_ state: CardState, _ holds: Bool) {
        #expect(state.holdsTheHoldersPlace == holds)
    }

    @Test func aMissingPreviousStateIsReportedNotGuessed() {
        #expect(CardLifecycle.apply(.releaseLoss, to: .init(state: .temporarilyLost))
            == .failure(.noPreviousState(state: .temporarilyLost)))
    }
}
