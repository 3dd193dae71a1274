import Testing
@testable import Registry
import SSCardValues

/// The card record's `chipBlocked` follows the chip, not the registry: set
/// by a lock done on the chip, kept by an unlock without the card, cleared
/// only by an unlock at a reader. On a real store of each engine, across a reopen.
@Suite struct ChipBlockedRecordTests {
    @Test(arguments: RegistryEngine.allCases)
    func chipBlockedFollowsTheChip(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let number = try fixture.card(1, in: .active).cardNumber
        var atReader = fixture.request(1)
        atReader.onChip = true
        func history() throws -> [AuditEntry] { try fixture.registry.history(cardNumber: number) }

        // A registry-only lock leaves the chip as it was: not blocked.
        let registryLock = try fixture.registry.perform(.lock, fixture.request(1))
        #expect(registryLock.state == .locked && !registryLock.chipBlocked)
        _ = try fixture.registry.perform(.unlock, fixture.request(1))

        let locked = try fixture.registry.perform(.lock, atReader)
        #expect(locked.state == .locked && locked.chipBlocked)
        #expect(try history().last?.detail == "chipBlocked=true")
        try fixture.reopen()
        #expect(try fixture.registry.status(of: number).card.chipBlocked)

        // Unlocked without the card: active in the registry, the chip still blocked.
        let unlocked = try fixture.registry.perform(.unlock, fixture.request(1))
        #expect(unlocked.state == .active && unlocked.chipBlocked)
        #expect(try history().last?.detail == "chipStillBlocked=true")
        // Nothing more to unlock without the card.
        #expect(throws: RegistryError.self) { try fixture.registry.perform(.unlock, fixture.request(1)) }
        // A kiosk cannot unblock a chip either: counter only.
        var kiosk = fixture.request(1, actor: RegistryFixture.kiosk)
        kiosk.onChip = true
        #expect(throws: RegistryError.self) { try fixture.registry.perform(.unlock, kiosk) }

        // At a counter reader the chip catches up; the state stays active.
        let cleared = try fixture.registry.perform(.unlock, atReader)
        #expect(cleared.state == .active && !cleared.chipBlocked)
        #expect(try history().last?.detail == "chipBlocked=false")
        #expect(try history().last?.oldState == "active" && history().last?.newState == "active")
        try fixture.reopen()
        #expect(try !fixture.registry.status(of: number).card.chipBlocked)
        // And then an active card whose chip is not blocked has nothing to unlock, even at a reader.
        #expect(throws: RegistryError.self) { try fixture.registry.perform(.unlock, atReader) }
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    @Test(arguments: RegistryEngine.allCases)
    func authorisationAppliesTheSameRule(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        _ = try fixture.card(2, in: .active)
        var atReader = fixture.request(2)
        atReader.onChip = true
        // An active card with an unblocked chip: unlocking on the chip is refused before any APDU.
        #expect(throws: RegistryError.self) { try fixture.registry.authorise(.unlockApplication, atReader) }
        #expect(try fixture.registry.authorise(.lockApplication, atReader).state == .active)
        let last = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(2)).last
        #expect(last?.outcome == .authorised && last?.action == AuditAction(.lock))
    }
}
