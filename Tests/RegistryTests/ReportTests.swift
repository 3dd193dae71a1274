import Foundation
import SSCardValues
import Testing
@testable import Registry

/// Reports computed by the store's aggregate queries, on both engines,
/// checked against an oracle that walks the whole audit trail in memory:
/// the two must agree on every group, whole-registry and per service point.
@Suite struct ReportTests {
    static let pointA = RegistryFixture.servicePoint
    static let pointB = "140105-02"
    static let counterB = Actor(id: "op-zhao", role: .operator, channel: .counter, servicePoint: pointB)
    static let utc = TimeZone(identifier: "UTC")!
    static let day = try! CalendarDate("2026-11-24")

    /// A day's work at two service points: cards issued at each, a loss
    /// reported at B and left pending, a loss reported and released at A,
    /// an application accepted at B and waiting, a replacement charged at A
    /// and one waived at B, and a refused attempt.
    static func scenario(_ fixture: RegistryFixture) throws {
        let clock = fixture.clock, registry = fixture.registry
        try fixture.issuedCard(1)
        clock.advance(milliseconds: 3_600_000)
        let holder2 = Holder(ssn: RegistryFixture.ssn(2), name: try HolderName("赵六"))
        let application2 = try registry.apply(for: holder2, evidence: RegistryFixture.idCard, actor: counterB)
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try registry.advance(applicationId: application2.id, to: stage, actor: RegistryFixture.admin)
        }
        _ = try registry.bind(applicationId: application2.id,
                              chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(2), cardId: RegistryFixture.cardId(2),
                                                 ssn: holder2.ssn),
                              actor: counterB, evidence: RegistryFixture.idCard)
        _ = try registry.activate(fixture.request(2, actor: counterB))
        clock.advance(milliseconds: 3_600_000)
        _ = try registry.reportLoss(.temporary, fixture.request(2, actor: counterB))
        try fixture.card(3, in: .temporarilyLost)
        _ = try registry.releaseLoss(fixture.request(3))
        clock.advance(milliseconds: 1_800_000)
        let waiting = Holder(ssn: RegistryFixture.ssn(4), name: try HolderName("钱七"))
        _ = try registry.apply(for: waiting, evidence: RegistryFixture.idCard, actor: counterB)
        try fixture.card(5, in: .formallyLost)
        _ = try registry.replace(fixture.request(5), reason: .lost)
        try fixture.card(6, in: .formallyLost)
        _ = try registry.replace(fixture.request(6, actor: counterB, reason: "hardship: =HYPERLINK(\"x\")"), reason: .lost,
                                 feeWaived: true)
        #expect(throws: (any Error).self) { _ = try registry.lock(fixture.request(5)) }
    }

    typealias Key = (action: String, outcome: String, channel: String, servicePoint: String)

    /// The oracle: every entry of the period, read one by one.
    static func entries(_ fixture: RegistryFixture, _ period: ReportPeriod, at point: String?) throws -> [AuditEntry] {
        var all: [AuditEntry] = []
        try fixture.store.read(snapshot: true) { reader in
            try reader.forEachAuditEntry { all.append($0); return true }
        }
        return all.filter { $0.at >= period.from && $0.at < period.to && (point == nil || $0.actor.servicePoint == point) }
    }

    static func period(_ fixture: RegistryFixture) throws -> ReportPeriod {
        try ReportPeriod(from: day, to: try CalendarDate("2026-11-25"), now: fixture.clock.now(), timeZone: utc)
    }

    @Test(arguments: RegistryEngine.allCases, [nil, pointA, pointB])
    func operationsAgreeWithTheTrail(_ engine: RegistryEngine, _ point: String?) throws {
        let fixture = try RegistryFixture(engine)
        try Self.scenario(fixture)
        let period = try Self.period(fixture)
        let report = try fixture.registry.report(period, servicePoint: point)
        let entries = try Self.entries(fixture, period, at: point)
        var expected: [String: Int64] = [:]
        for entry in entries {
            expected["\(entry.action.rawValue)|\(entry.outcome.rawValue)|\(entry.actor.channel.rawValue)|\(entry.actor.servicePoint)", default: 0] += 1
        }
        let got = Dictionary(uniqueKeysWithValues: report.operations.map {
            ("\($0.action)|\($0.outcome)|\($0.channel)|\($0.servicePoint)", $0.count)
        })
        #expect(!entries.isEmpty)
        #expect(got == expected)
        // The timeline counts what was done, hour by hour, across the whole period.
        #expect(report.timeline.count == 24)
        let done = entries.filter { $0.outcome == .done }
        #expect(report.timeline.reduce(0) { $0 + $1.operations } == Int64(done.count))
        #expect(report.timeline.reduce(0) { $0 + $1.losses }
                == Int64(done.filter { ActivityReport.lossActions.contains($0.action) }.count))
        #expect(report.timeline.reduce(0) { $0 + $1.releases }
                == Int64(done.filter { ActivityReport.releaseActions.contains($0.action) }.count))
        for (index, bucket) in report.timeline.enumerated() {
            let inBucket = done.filter { ($0.at.milliseconds - period.from.milliseconds) / 3_600_000 == index }
            #expect(bucket.operations == Int64(inBucket.count), "hour \(index)")
        }
    }

    @Test(arguments: RegistryEngine.allCases)
    func pendingReleasesBacklogAndFeesPerServicePoint(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try Self.scenario(fixture)
        let period = try Self.period(fixture)
        let all = try fixture.registry.report(period, servicePoint: nil)
        let a = try fixture.registry.report(period, servicePoint: Self.pointA)
        let b = try fixture.registry.report(period, servicePoint: Self.pointB)

        // Card 2's loss, reported at B, releases itself after the policy's days.
        let days = fixture.policy.temporaryLossDays
        #expect(all.pendingReleases == [ActivityReport.PendingReleaseDay(dayOffset: days, count: 1)])
        #expect(b.pendingReleases == all.pendingReleases)
        #expect(a.pendingReleases.isEmpty)

        // Waiting: the application accepted at B, and the two replacements (A and B).
        let accepted = { (report: ActivityReport) in report.backlog.filter { $0.stage == .accepted }.reduce(0) { $0 + $1.count } }
        #expect(accepted(all) == 3)
        #expect(accepted(b) == 2)
        #expect(accepted(a) == 1)
        #expect(all.backlog.allSatisfy { $0.age == .underOneDay })

        let fee = fixture.policy.replacementFeeFen
        #expect(all.fees == [ActivityReport.FeeTotal(settlement: "paid", count: 1, totalFen: Int64(fee)),
                             ActivityReport.FeeTotal(settlement: "waived", count: 1, totalFen: Int64(fee))])
        #expect(a.fees == [ActivityReport.FeeTotal(settlement: "paid", count: 1, totalFen: Int64(fee))])
        #expect(b.fees == [ActivityReport.FeeTotal(settlement: "waived", count: 1, totalFen: Int64(fee))])

        // The next day holds none of it; a day's ages grow with the clock.
        let tomorrow = try ReportPeriod(from: try CalendarDate("2026-11-25"), to: try CalendarDate("2026-11-26"),
                                        now: fixture.clock.now().adding(days: 4), timeZone: Self.utc)
        let later = try fixture.registry.report(tomorrow, servicePoint: nil)
        #expect(later.operations.isEmpty)
        #expect(later.fees.isEmpty)
        #expect(later.backlog.allSatisfy { $0.age == .threeToSevenDays })
    }

    @Test(arguments: RegistryEngine.allCases)
    func theExportStreamsThePeriodAndIsRecorded(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try Self.scenario(fixture)
        let period = try Self.period(fixture)
        var exported: [AuditEntry] = []
        let count = try fixture.registry.exportAudit(from: period.from, to: period.to, servicePoint: Self.pointB) {
            exported.append($0)
            return true
        }
        let expected = try Self.entries(fixture, period, at: Self.pointB)
        #expect(count == expected.count)
        #expect(exported.map(\.hash) == expected.sorted { $0.at < $1.at }.map(\.hash))
        // Stopping early stops the walk.
        var seen = 0
        _ = try fixture.registry.exportAudit(from: period.from, to: period.to, servicePoint: nil) { _ in
            seen += 1
            return seen < 3
        }
        #expect(seen == 3)

        try fixture.registry.recordAuditExport(actor: RegistryFixture.admin, period: period, servicePoint: nil,
                                               masked: false, entries: count, completed: true)
        let last = try fixture.registry.history(cardNumber: nil, ssn: nil, limit: 1).last
        #expect(last?.action == .exportAudit)
        #expect(last?.outcome == .done)
        #expect(last?.actor.id == "admin-li")
        #expect(last?.detail == "period=2026-11-24..2026-11-25 masked=no entries=\(count)")
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    @Test func aPeriodMustBeForwardAndAtMostAYear() throws {
        let now = Timestamp(milliseconds: 0)
        #expect(throws: ReportPeriod.Problem.emptyRange(from: Self.day, to: Self.day)) {
            _ = try ReportPeriod(from: Self.day, to: Self.day, now: now, timeZone: Self.utc)
        }
        #expect(throws: ReportPeriod.Problem.tooLong(days: 369)) {
            _ = try ReportPeriod(from: try CalendarDate("2025-01-01"), to: try CalendarDate("2026-01-05"), now: now,
                                 timeZone: Self.utc)
        }
        // Local days: Shanghai's 2026-11-24 starts at 16:00 UTC the day before; days beyond two bucket by day.
        let shanghai = try ReportPeriod(from: Self.day, to: try CalendarDate("2026-11-27"), now: now,
                                        timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(shanghai.from == Timestamp(rfc3339: "2026-11-23T16:00:00Z"))
        #expect(shanghai.bucketMilliseconds == 86_400_000)
        #expect(shanghai.bucketCount == 3)
        #expect(shanghai.local(shanghai.from) == "2026-11-24T00:00:00+08:00")
    }
}
