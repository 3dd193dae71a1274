import Testing
@testable import Registry
import SSCardValues

/// Every (state, operation) pair again, this time through the registry on a
/// real store of each engine: allowed pairs persist the table's target and an audit
/// entry; refused pairs change nothing and record the refused attempt.
@Suite struct RegistryTransitionTests {
    static let pairs = CardLifecycleTests.pairs.filter { $0.1 != .supersede }

    @Test(arguments: RegistryEngine.allCases, pairs)
    func registryEnforcesTheTable(_ engine: RegistryEngine, _ pair: (CardState, CardOperation)) throws {
        let (state, operation) = pair
        let fixture = try RegistryFixture(engine)
        let before = try fixture.card(1, in: state)
        let auditBefore = try fixture.registry.history(cardNumber: before.cardNumber).count
        if operation == .autoRelease {
            fixture.clock.advance(days: fixture.policy.temporaryLossDays)
        }
        // The documents each operation needs, so that only the table decides here.
        let evidence = operation == .resetPassword
            ? try Evidence(documents: [.init(.idCard), .init(.socialSecurityCard)]) : RegistryFixture.idCard
        let request = fixture.request(1, actor: operation == .autoRelease ? .system(servicePoint: "140105-01") : RegistryFixture.admin,
                                      evidence: evidence)
        // An active card's unlock needs its blocked chip in a reader
        // (ChipBlockedRecordTests); by card number alone it is refused.
        let needsTheChip = operation == .unlock && state == .active
        let expected = needsTheChip ? nil : CardLifecycle.table[operation]?[state]
        do {
            let after = try fixture.registry.perform(operation, request)
            let stored = try fixture.registry.status(of: before.cardNumber).card
            #expect(stored == after)
            switch expected {
            case let .state(next, _)?: #expect(stored.state == next)
            case .previous?: #expect(stored.state == before.previousState)
            case .unchanged?: #expect(stored.state == state)
            case nil: Issue.record("\(operation) in \(state) should have been refused")
            }
            #expect((stored.lossDeadline != nil) == (stored.state == .temporarilyLost))
            let history = try fixture.registry.history(cardNumber: before.cardNumber)
            #expect(history.count == auditBefore + 1)
            #expect(history.last?.action == AuditAction(operation))
            #expect(history.last?.outcome == .done)
            #expect(history.last?.oldState == state.rawValue)
        } catch let RegistryError.refused(card, refusal) {
            #expect(expected == nil, "\(operation) in \(state) was refused: \(refusal)")
            #expect(card == before.cardNumber)
            #expect(refusal == .notAllowed(operation: operation, state: state))
            #expect(try fixture.registry.status(of: before.cardNumber).card == before)
            let last = try fixture.registry.history(cardNumber: before.cardNumber).last
            #expect(last?.outcome == .refused)
            #expect(last?.action == AuditAction(operation))
            #expect(last?.reason?.contains(state.rawValue) == true)
        }
        #expect(try fixture.registry.verifyAudit().isIntact)
    }
}
