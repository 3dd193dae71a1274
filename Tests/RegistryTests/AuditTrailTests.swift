import Foundation
import Testing
@testable import Registry
import SQLiteStore
import RegistryPostgreSQL
import SSCardValues

@Suite struct AuditTrailTests {

    func busyTrail(_ fixture: RegistryFixture) throws {
        for n in 1...3 {
            try fixture.card(n, in: .active)
            _ = try fixture.registry.reportLoss(.temporary, fixture.request(n))
        }
        _ = try? fixture.registry.activate(fixture.request(1))  // refused: recorded too
    }

    @Test(arguments: RegistryEngine.allCases)
    func everyEntryRecordsWhoWhatForWhomOnWhatEvidence(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture)
        let entry = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(2)).last!
        #expect(entry.actor == RegistryFixture.counter)
        #expect(entry.action.rawValue == "reportTemporaryLoss")
        #expect(entry.ssn == RegistryFixture.ssn(2).rawValue)
        #expect(entry.evidence == RegistryFixture.idCard)
        #expect(entry.oldState == "active")
        #expect(entry.newState == "temporarilyLost")
        #expect(entry.reason == "holder's request")
        #expect(entry.at == RegistryFixture.start)
        #expect(entry.detail?.contains("lossExpiresAt=2026-12-01T02:00:00.000Z") == true)
        let refused = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(1)).last!
        #expect(refused.outcome == .refused)
        #expect(refused.reason?.contains("temporarilyLost") == true)
    }

    @Test(arguments: RegistryEngine.allCases)
    func anIntactTrailVerifies(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture)
        let result = try fixture.registry.verifyAudit()
        #expect(result.isIntact)
        #expect(result.entriesChecked > 20)
    }

    @Test(arguments: RegistryEngine.allCases)
    func theEngineRefusesEditsAndDeletes(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture)
        #expect(throws: (any Error).self) { try fixture.raw("UPDATE audit SET reason = 'x' WHERE seq = 2") }
        #expect(throws: (any Error).self) { try fixture.raw("DELETE FROM audit WHERE seq = 2") }
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    /// Someone with raw access to the file or the database drops the guard
    /// triggers and edits: the chain reports the first entry that no longer matches.
    @Test(arguments: RegistryEngine.allCases, ["UPDATE audit SET reason = 'forged' WHERE seq = 5",
                                              "DELETE FROM audit WHERE seq = 5",
                                              "UPDATE audit SET seq = 1000 WHERE seq = 5"])
    func tamperingIsDetectedAtTheFirstBrokenLink(_ engine: RegistryEngine, _ forgery: String) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture)
        try fixture.dropAuditGuards()
        try fixture.raw(forgery)
        let result = try fixture.registry.verifyAudit()
        #expect(!result.isIntact)
        #expect(result.firstBrokenSequence == (forgery.hasPrefix("UPDATE audit SET reason") ? 5 : 6))
        #expect(result.firstBrokenChain == (engine == .sqlite ? "" : RegistryFixture.servicePoint))
        #expect(result.entriesChecked == 4)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aRecomputedHashStillBreaksTheNextLink(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture)
        let entries = try fixture.registry.history(limit: 100)
        var forged = entries[4]
        forged.reason = "forged"
        let resealed = forged.sealed(after: forged.previousHash)
        try fixture.dropAuditGuard("audit_no_update")
        try fixture.raw("UPDATE audit SET reason = 'forged', hash = \(fixture.bytesLiteral(resealed.hash)) "
                            + "WHERE seq = \(forged.sequence)")
        #expect(try fixture.registry.verifyAudit().firstBrokenSequence == forged.sequence + 1)
    }
}

@Suite struct StoreLifecycleTests {
    @Test(arguments: RegistryEngine.allCases)
    func migratesAnEmptyRegistryAndReopensWithoutReapplying(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        #expect(try fixture.appliedMigrations() == ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel", "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"])
        try fixture.card(1, in: .active)
        try fixture.reopen()
        #expect(try fixture.appliedMigrations() == ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel", "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"])
        #expect(try fixture.registry.status(of: RegistryFixture.cardNumber(1)).card.state == .active)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    /// SQLite only: on PostgreSQL, pg_dump and the replicas make the copies.
    @Test func onlineBackupIsACompleteVerifiableCopy() throws {
        let fixture = try RegistryFixture(.sqlite)
        for n in 1...5 { try fixture.card(n, in: .temporarilyLost) }
        let copy = fixture.directory.appendingPathComponent("backup.sqlite").path
        try fixture.registry.store.backup(to: copy)
        let store = try SQLiteRegistryStore(path: copy)
        let restored = Registry(store: store, clock: fixture.clock, servicePoint: "140105-01")
        #expect(try restored.verifyAudit() == fixture.registry.verifyAudit())
        #expect(try restored.pendingReleases().count == 5)
        try store.close()
    }

    /// SQLite only: a damaged file (PostgreSQL has no file of ours to damage).
    @Test func aCorruptFileIsAClearErrorAtOpen() throws {
        let fixture = try RegistryFixture(.sqlite)
        try fixture.store.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.path))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 4096))
        try handle.close()
        try? FileManager.default.removeItem(atPath: fixture.path + "-wal")
        #expect(throws: SQLiteRegistryStore.OpenError.self) { try SQLiteRegistryStore(path: fixture.path) }
        try fixture.replaceWithEmptyStore()
    }
}

@Suite struct OpenCheckTests {
    @Test(arguments: RegistryEngine.allCases)
    func aDroppedAuditGuardIsRefusedAtOpen(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.card(1, in: .active)
        try fixture.store.close()
        try fixture.dropAuditGuard("audit_no_delete")
        #expect {
            try fixture.openStore()
        } throws: { error in
            "\(error)".contains("schema trigger audit_no_delete is missing")
        }
        try fixture.replaceWithEmptyStore()
    }

    @Test(arguments: RegistryEngine.allCases, [IntegrityCheck.bounded, .full])
    func anEditedAuditTailIsRefusedAtOpen(_ engine: RegistryEngine, _ level: IntegrityCheck) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.card(1, in: .temporarilyLost)
        try fixture.store.close()
        try fixture.dropAuditGuard("audit_no_update")
        try fixture.raw("UPDATE audit SET reason = 'forged' WHERE seq = 3")
        try fixture.restoreAuditUpdateGuard()
        #expect {
            try fixture.openStore(integrityCheck: level)
        } throws: { error in
            "\(error)".contains("broken at entry 3")
        }
        try fixture.replaceWithEmptyStore()
    }

    @Test(arguments: RegistryEngine.allCases)
    func theFullCheckPassesOnAHealthyRegistry(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        for n in 1...3 { try fixture.card(n, in: .sealed) }
        #expect(try fixture.checkIntegrity().isEmpty)
        try fixture.store.close()
        fixture.store = try fixture.openStore(integrityCheck: .full)
    }
}
