@testable import Registry
import SSCardValues
import Testing

/// Instant issue (即时制卡) and the channel, expected date and delivery every
/// application records, on both engines.
@Suite struct InstantIssueTests {
    static func holder(_ n: Int) -> Holder { Holder(ssn: RegistryFixture.ssn(n), name: try! HolderName("李四")) }

    @Test(arguments: RegistryEngine.allCases)
    func acceptProduceBindActivate(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let application = try registry.apply(for: Self.holder(40), evidence: RegistryFixture.idCard,
                                             actor: RegistryFixture.counter, channel: .instant)
        #expect(application.channel == .instant)
        #expect(application.expectedDate == (try CalendarDate("2026-11-24")))
        #expect(application.delivery == .collect(place: RegistryFixture.servicePoint))
        let produced = try registry.recordInstantProduction(applicationId: application.id, actor: RegistryFixture.counter)
        #expect(produced.stage == .produced)
        let card = try registry.bind(applicationId: application.id,
                                     chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(40),
                                                        cardId: RegistryFixture.cardId(40), ssn: RegistryFixture.ssn(40)),
                                     actor: RegistryFixture.counter, evidence: RegistryFixture.idCard)
        #expect(card.state == .issued)
        #expect(try registry.activate(fixture.request(40)).state == .active)
        // Every step audited, in order, by the operator.
        let actions = try registry.history(ssn: RegistryFixture.ssn(40)).map(\.action)
        #expect(actions == [.apply, .produceInstantly, .bind, AuditAction(.activate)])
        let production = try registry.history(ssn: RegistryFixture.ssn(40))[1]
        #expect(production.oldState == "accepted" && production.newState == "produced")
        // The application reads back with what it recorded.
        let stored = try registry.application(application.id)
        #expect(stored.channel == .instant && stored.delivery == application.delivery
                && stored.expectedDate == application.expectedDate)
    }

    /// (channel, delivery, actor, refusal detail).
    static let refusals: [(ApplicationChannel, Delivery?, Actor, RegistryError.Rule, String)] = [
        (.counter, nil, RegistryFixture.counter, .instantIssue,
         "application 1 is a counter application, not an instant-issue one; it is accepted"),
        (.mobile, .mail(address: "太原市小店区1号"), RegistryFixture.counter, .instantIssue,
         "application 1 is a mobile application, not an instant-issue one; it is accepted"),
        (.instant, nil, RegistryFixture.kiosk, .instantIssue,
         "instant production is recorded at the counter, not through kiosk"),
    ]

    @Test(arguments: refusals.indices)
    func instantProductionIsRefusedOutsideItsFlow(_ index: Int) throws {
        let (channel, delivery, actor, rule, detail) = Self.refusals[index]
        let fixture = try RegistryFixture(.sqlite)
        let application = try fixture.registry.apply(for: Self.holder(41), evidence: RegistryFixture.idCard,
                                                     actor: RegistryFixture.counter, channel: channel, delivery: delivery)
        #expect(throws: RegistryError.ruleViolated(rule: rule, detail: detail)) {
            try fixture.registry.recordInstantProduction(applicationId: application.id, actor: actor)
        }
        // Nothing half-applied; the refusal is in the trail.
        #expect(try fixture.registry.application(application.id).stage == .accepted)
        #expect(try fixture.registry.history(ssn: RegistryFixture.ssn(41)).last?.outcome == .refused)
    }

    @Test func instantProductionIsRecordedOnce() throws {
        let fixture = try RegistryFixture(.sqlite)
        let application = try fixture.registry.apply(for: Self.holder(42), evidence: RegistryFixture.idCard,
                                                     actor: RegistryFixture.counter, channel: .instant)
        _ = try fixture.registry.recordInstantProduction(applicationId: application.id, actor: RegistryFixture.counter)
        #expect(throws: RegistryError.ruleViolated(
            rule: .applicationStage, detail: "instant production needs an accepted application; application 1 is produced")) {
            try fixture.registry.recordInstantProduction(applicationId: application.id, actor: RegistryFixture.counter)
        }
    }

    @Test func anInstantCardIsNotMailed() throws {
        let fixture = try RegistryFixture(.sqlite)
        #expect(throws: RegistryError.ruleViolated(
            rule: .instantIssue, detail: "an instant-issue card is handed over at the counter, not mailed")) {
            try fixture.registry.apply(for: Self.holder(43), evidence: RegistryFixture.idCard,
                                       actor: RegistryFixture.counter, channel: .instant, delivery: .mail(address: "x"))
        }
        #expect(throws: RegistryError.holderNotFound(RegistryFixture.ssn(43))) {
            try fixture.registry.status(of: RegistryFixture.ssn(43))
        }
    }

    /// (channel, policy days, expected date); the fixture's day is Tuesday 2026-11-24.
    static let expected: [(ApplicationChannel, Int, String?)] = [
        (.instant, 15, "2026-11-24"),
        (.mobile, 15, "2026-12-15"),
        (.mobile, 30, "2027-01-05"),
        (.counter, 15, nil),
    ]

    @Test(arguments: expected.indices)
    func theExpectedDateFollowsTheChannel(_ index: Int) throws {
        let (channel, days, date) = Self.expected[index]
        let fixture = try RegistryFixture(.sqlite, policy: Policy(mobileProductionDays: days, mobileProductionDaysLimit: 30))
        let application = try fixture.registry.apply(for: Self.holder(44), evidence: RegistryFixture.idCard,
                                                     actor: RegistryFixture.counter, channel: channel,
                                                     delivery: channel == .instant ? nil : .mail(address: "太原市"))
        #expect(application.expectedDate?.description == date)
        #expect(try fixture.registry.application(application.id).expectedDate?.description == date)
    }

    /// Rows written before channels were recorded (NULL columns) read back without them.
    @Test(arguments: RegistryEngine.allCases)
    func applicationsFromBeforeChannelsReadBack(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let application = try fixture.registry.apply(for: Self.holder(45), evidence: RegistryFixture.idCard,
                                                     actor: RegistryFixture.counter)
        try fixture.raw("UPDATE applications SET channel = NULL, expected_date = NULL, delivery = NULL")
        let read = try fixture.registry.application(application.id)
        #expect(read.channel == nil && read.expectedDate == nil && read.delivery == nil)
        #expect(read.stage == .accepted && read.ssn == RegistryFixture.ssn(45))
    }
}
