import Foundation
import Testing
@testable import Registry
import SSCardValues

/// Temporary losses release themselves at the deadline: not a millisecond
/// before, across downtime, and across wall-clock steps in both directions.
@Suite struct AutoReleaseTests {

    func lose(_ fixture: RegistryFixture, _ n: Int, from state: CardState = .active) throws -> CardRecord {
        try fixture.card(n, in: state)
        return try fixture.registry.reportLoss(.temporary, fixture.request(n))
    }

    @Test(arguments: RegistryEngine.allCases)
    func deadlineIsReportTimePlusThePolicyDaysAndPersisted(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try lose(fixture, 1)
        #expect(lost.lossDeadline == fixture.clock.now().adding(days: 7))
        try fixture.reopen()
        #expect(try registry.status(of: lost.cardNumber).card.lossDeadline == lost.lossDeadline)
        #expect(try registry.pendingReleases().map(\.deadline) == [lost.lossDeadline!])
    }

    @Test(arguments: RegistryEngine.allCases)
    func releasesAtTheDeadlineAndNotAMillisecondBefore(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try lose(fixture, 2, from: .locked)
        fixture.clock.set(lost.lossDeadline!.adding(milliseconds: -1))
        #expect(try registry.releaseExpiredLosses() == 0)
        #expect(try registry.status(of: lost.cardNumber).card.state == .temporarilyLost)
        fixture.clock.set(lost.lossDeadline!)
        #expect(try registry.releaseExpiredLosses() == 1)
        let released = try registry.status(of: lost.cardNumber).card
        #expect(released.state == .locked)  // the exact state the loss interrupted
        #expect(released.lossDeadline == nil)
        let entry = try registry.history(cardNumber: lost.cardNumber).last!
        #expect(entry.action.rawValue == "autoRelease")
        #expect(entry.actor.role == .system)
        #expect(entry.actor.channel == .system)
        // Exactly once.
        #expect(try registry.releaseExpiredLosses() == 0)
    }

    @Test(arguments: RegistryEngine.allCases)
    func releasesWhatFellDueWhileTheDaemonWasDown(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try (3..<6).map { try lose(fixture, $0) }
        try fixture.store.close()
        fixture.clock.advance(days: 30)
        try fixture.reopen()
        let keeper = TemporaryLossKeeper(registry: registry)
        try keeper.start()  // releases the overdue ones before returning
        keeper.stop()
        for card in lost {
            #expect(try registry.status(of: card.cardNumber).card.state == .active)
        }
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aBackwardClockStepNeverReleasesEarly(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try lose(fixture, 6)
        fixture.clock.advance(days: 6)
        fixture.clock.advance(days: -3)  // an NTP step backwards
        #expect(try registry.releaseExpiredLosses() == 0)
        fixture.clock.set(lost.lossDeadline!.adding(milliseconds: -1))
        #expect(try registry.releaseExpiredLosses() == 0)
        fixture.clock.set(lost.lossDeadline!)
        #expect(try registry.releaseExpiredLosses() == 1)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aForwardClockStepNeverMissesARelease(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try lose(fixture, 7)
        fixture.clock.advance(days: 365)  // a manual set far past the deadline
        #expect(try registry.releaseExpiredLosses() == 1)
        fixture.clock.set(lost.lossDeadline!.adding(days: -1))  // and back again
        #expect(try registry.status(of: lost.cardNumber).card.state == .active)
        #expect(try registry.releaseExpiredLosses() == 0)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aManualReleaseBeforeTheDeadlineWins(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try lose(fixture, 8)
        _ = try registry.releaseLoss(fixture.request(8))
        fixture.clock.set(lost.lossDeadline!)
        #expect(try registry.releaseExpiredLosses() == 0)
        #expect(try registry.history(cardNumber: lost.cardNumber).filter { $0.action.rawValue == "autoRelease" }.isEmpty)
    }

    @Test(arguments: RegistryEngine.allCases)
    func thePolicyValueSetsTheDeadline(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let tenDays = try RegistryFixture(engine, policy: Policy(temporaryLossDays: 10))
        tenDays.registry.addObserver { _ in }
        try tenDays.card(9, in: .active)
        let lost = try tenDays.registry.reportLoss(.temporary, tenDays.request(9))
        #expect(lost.lossDeadline == RegistryFixture.start.adding(days: 10))
    }

    @Test(arguments: RegistryEngine.allCases)
    func releasesInBatchesBeyondOneBatch(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        for n in 10..<25 { _ = try lose(fixture, n) }
        fixture.clock.advance(days: 8)
        #expect(try registry.releaseExpiredLosses(batchSize: 4) == 15)
        #expect(try registry.pendingReleases().isEmpty)
    }

    /// The running keeper, driven by the manual clock: it must notice a
    /// deadline within its one-second bound without being nudged, and
    /// report the release through the registry's event stream.
    @Test(arguments: RegistryEngine.allCases)
    func theKeeperReleasesWithinASecondWhileRunning(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let lost = try lose(fixture, 30)
        let released = DispatchSemaphore(value: 0)
        registry.addObserver { event in
            if case let .cardChanged(card, action, _) = event, action.rawValue == "autoRelease", card.cardNumber == lost.cardNumber {
                released.signal()
            }
        }
        let keeper = TemporaryLossKeeper(registry: registry, maximumSleep: 0.2)
        try keeper.start()
        defer { keeper.stop() }
        fixture.clock.set(lost.lossDeadline!.adding(milliseconds: -500))
        #expect(released.wait(timeout: .now() + 0.4) == .timedOut)  // not early
        fixture.clock.set(lost.lossDeadline!)
        let started = DispatchTime.now()
        #expect(released.wait(timeout: .now() + 5) == .success)
        let lateness = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        #expect(lateness < 1.0)
        #expect(try registry.status(of: lost.cardNumber).card.state == .active)
    }
}
