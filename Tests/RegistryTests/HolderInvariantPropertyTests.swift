import SSCardValues
import Testing
@testable import Registry

/// Random sequences of counter, kiosk, administrator and system operations on
/// a few holders, on both engines, with `HolderInvariants` checked after
/// every step, and every refused step checked to have changed nothing.
///
/// The first case is the loophole of issue 17 (formal loss → Apply → advance
/// → BindCard → Activate → ReleaseLoss), replayed step by step; the random
/// runs follow, each seed replaying the same run.
@Suite(.serialized) struct HolderInvariantPropertyTests {
    static let holders = (1...3).map { RegistryFixture.ssn($0) }

    /// Replays the loophole; before the fix every step succeeded and the holder
    /// ended with two usable cards and no replacement charged.
    @Test(arguments: RegistryEngine.allCases)
    func theLoopholeIsTheFirstRegressionCase(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let lost = try fixture.card(1, in: .formallyLost)
        var run = Run(fixture: fixture)
        let holder = try fixture.registry.status(of: lost.ssn).holder
        let applied = try run.step("apply") {
            try fixture.registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        }
        #expect(applied == nil, "a first card was accepted beside a formally lost card")
        // Had the application existed, binding it would still be refused by the invariant check.
        #expect(try run.step("release") { try fixture.registry.releaseLoss(fixture.request(1)) }?.state == .active)
        let holding = try fixture.registry.status(of: lost.ssn).cards.filter { $0.state.holdsTheHoldersPlace }
        #expect(holding.map(\.cardNumber) == [lost.cardNumber])
        #expect(run.violations.isEmpty, "\(run.violations)")
    }

    @Test(arguments: RegistryEngine.allCases, [UInt64(17), 4711, 90210])
    func randomSequencesKeepTheInvariants(_ engine: RegistryEngine, _ seed: UInt64) throws {
        let fixture = try RegistryFixture(engine)
        // A head start: one holder with an active card, one with a formally lost one, one with none.
        try fixture.card(1, in: .active)
        try fixture.card(2, in: .formallyLost)
        var run = Run(fixture: fixture)
        var random = SeededRandom(seed: seed)
        for _ in 0..<300 {
            try run.randomStep(&random)
            if !run.violations.isEmpty { break }
        }
        #expect(run.violations.isEmpty, "seed \(seed): \(run.violations)")
        #expect(run.done > 30 && run.log.contains("bind"), "seed \(seed): only \(run.done) steps succeeded: \(run.log.filter { !$0.hasSuffix("refused") })")
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    /// One run: performs steps, counts what succeeded, collects violations.
    struct Run {
        let fixture: RegistryFixture
        var violations: [String] = []
        var done = 0
        var nextCard = 100
        var log: [String] = []

        init(fixture: RegistryFixture) { self.fixture = fixture }

        var registry: Registry { fixture.registry }

        func snapshot() throws -> [HolderStatus?] {
            try HolderInvariantPropertyTests.holders.map { ssn in try? registry.status(of: ssn) }
        }

        /// Runs `body`; a refusal must leave every holder as it was. Then checks the invariants.
        @discardableResult
        mutating func step<T>(_ name: String, _ body: () throws -> T) throws -> T? {
            let before = try snapshot()
            var result: T?
            do {
                result = try body()
                done += 1
                log.append(name)
            } catch let error as RegistryError where error.isRefusal {
                log.append("\(name) refused")
                if try snapshot() != before { violations.append("\(name) was refused but changed the registry (after \(log))") }
            }
            for case let status? in try snapshot() {
                for violation in HolderInvariants.violations(cards: status.cards, applications: status.applications) {
                    violations.append("after \(log.suffix(8)): \(violation)")
                }
            }
            return result
        }

        mutating func randomStep(_ random: inout SeededRandom) throws {
            let registry = self.registry
            let ssn = HolderInvariantPropertyTests.holders.randomElement(using: &random)!
            let status = try? registry.status(of: ssn)
            let cards = status?.cards ?? []
            let card = cards.filter { $0.state != .cancelled }.randomElement(using: &random) ?? cards.randomElement(using: &random)
            let open = status?.applications.first(where: \.isOpen)
            let actor = [RegistryFixture.counter, RegistryFixture.admin, RegistryFixture.kiosk].randomElement(using: &random)!
            let evidence = actor.channel == .kiosk ? Evidence.none : RegistryFixture.idCard
            func request(_ card: CardRecord) -> CardRequest {
                CardRequest(cardNumber: card.cardNumber, actor: actor, evidence: evidence, reason: "property run")
            }
            switch Int.random(in: 0..<14, using: &random) {
            case 0:
                let holder = Holder(ssn: ssn, name: try HolderName("张三"))
                try step("apply") { try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter) }
            case 1:
                guard let card else { return }
                let reason = ReplacementReason.allCases.randomElement(using: &random)!
                try step("replace \(reason)") { try registry.replace(request(card), reason: reason) }
            case 2, 3:
                guard let open else { return }
                // Towards production (binding delivers), now and then a rejection.
                let forward = ApplicationStage.table[open.stage, default: []].filter { $0 != .rejected && $0 != .delivered }
                let next = Int.random(in: 0..<10, using: &random) == 0 ? .rejected : forward.first ?? .rejected
                try step("advance \(next)") {
                    try registry.advance(applicationId: open.id, to: next, actor: RegistryFixture.admin, reason: "property run")
                }
            case 4:
                guard let open else { return }
                nextCard += 1
                let n = nextCard
                let generation = Int.random(in: 1...3, using: &random)
                try step("bind") {
                    try registry.bind(applicationId: open.id,
                                      chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(n), cardId: RegistryFixture.cardId(n),
                                                         ssn: ssn, generation: generation),
                                      actor: RegistryFixture.counter)
                }
            case 5:
                guard let card else { return }
                let reason = CancellationReason.allCases.randomElement(using: &random)!
                var cancel = request(card)
                cancel.evidence = reason == .death || reason == .emigration
                    ? Evidence(document: .civilRegistryProof, proxySsn: RegistryFixture.ssn(99)) : evidence
                try step("cancel \(reason)") { try registry.cancel(cancel, reason: reason) }
            case 6:
                let fixture = self.fixture
                fixture.clock.advance(days: Int.random(in: 1...8, using: &random))
                for number in try registry.pendingReleases().map(\.cardNumber) {
                    try step("autoRelease") { try registry.perform(.autoRelease, CardRequest(
                        cardNumber: number, actor: .system(servicePoint: RegistryFixture.servicePoint))) }
                }
            case 7:
                guard let card else { return }
                let event = BankEvent.allCases.randomElement(using: &random)!
                try step("bank \(event)") { try registry.recordBankEvent(event, request(card)) }
            default:
                guard let card else { return }
                let operation = [CardOperation.activate, .reportTemporaryLoss, .reportFormalLoss, .releaseLoss, .releaseLoss,
                                 .lock, .unlock, .seal, .unseal].randomElement(using: &random)!
                try step(operation.rawValue) { try registry.perform(operation, request(card)) }
            }
        }
    }
}
