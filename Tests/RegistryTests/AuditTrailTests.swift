import Foundation
import Testing
@testable import Registry
import SQLiteStore
import SSCardValues

@Suite struct AuditTrailTests {
    let fixture: RegistryFixture
    init() throws { fixture = try RegistryFixture() }

    func busyTrail() throws {
        for n in 1...3 {
            try fixture.card(n, in: .active)
            _ = try fixture.registry.reportLoss(.temporary, fixture.request(n))
        }
        _ = try? fixture.registry.activate(fixture.request(1))  // refused: recorded too
    }

    @Test func everyEntryRecordsWhoWhatForWhomOnWhatEvidence() throws {
        try busyTrail()
        let entry = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(2)).last!
        #expect(entry.actor == RegistryFixture.counter)
        #expect(entry.action == "reportTemporaryLoss")
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

    @Test func anIntactTrailVerifies() throws {
        try busyTrail()
        let result = try fixture.registry.verifyAudit()
        #expect(result.isIntact)
        #expect(result.entriesChecked > 20)
    }

    @Test func theEngineRefusesEditsAndDeletes() throws {
        try busyTrail()
        let raw = try Connection(path: fixture.path)
        #expect(throws: SQLiteError.self) { try raw.run("UPDATE audit SET reason = 'x' WHERE seq = 2") }
        #expect(throws: SQLiteError.self) { try raw.run("DELETE FROM audit WHERE seq = 2") }
        try raw.close()
    }

    /// Someone with raw file access drops the guard triggers and edits: the
    /// chain reports the first entry that no longer matches.
    @Test(arguments: ["UPDATE audit SET reason = 'forged' WHERE seq = 5",
                      "DELETE FROM audit WHERE seq = 5",
                      "UPDATE audit SET seq = 1000 WHERE seq = 5"])
    func tamperingIsDetectedAtTheFirstBrokenLink(_ forgery: String) throws {
        try busyTrail()
        let raw = try Connection(path: fixture.path)
        try raw.execute("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        try raw.run(forgery)
        try raw.close()
        let result = try fixture.registry.verifyAudit()
        #expect(!result.isIntact)
        #expect(result.firstBrokenSequence == (forgery.hasPrefix("UPDATE audit SET reason") ? 5 : 6))
        #expect(result.entriesChecked == 4)
    }

    @Test func aRecomputedHashStillBreaksTheNextLink() throws {
        try busyTrail()
        let entries = try fixture.registry.history(limit: 100)
        var forged = entries[4]
        forged.reason = "forged"
        let resealed = forged.sealed(after: forged.previousHash)
        let raw = try Connection(path: fixture.path)
        try raw.execute("DROP TRIGGER audit_no_update;")
        try raw.run("UPDATE audit SET reason = ?, hash = ? WHERE seq = ?",
                    [.text("forged"), .blob(resealed.hash), .integer(forged.sequence)])
        try raw.close()
        #expect(try fixture.registry.verifyAudit().firstBrokenSequence == forged.sequence + 1)
    }
}

@Suite struct StoreLifecycleTests {
    @Test func migratesAnEmptyFileAndReopensWithoutReapplying() throws {
        let fixture = try RegistryFixture()
        let raw = try Connection(path: fixture.path)
        #expect(try Migrator(RegistrySchema.migrations).appliedIdentifiers(raw) == ["0001-registry"])
        #expect(try Migrator(RegistrySchema.migrations).migrate(raw).isEmpty)
        try raw.close()
        try fixture.card(1, in: .active)
        try fixture.reopen()
        #expect(try fixture.registry.status(of: RegistryFixture.cardNumber(1)).card.state == .active)
    }

    @Test func onlineBackupIsACompleteVerifiableCopy() throws {
        let fixture = try RegistryFixture()
        for n in 1...5 { try fixture.card(n, in: .temporarilyLost) }
        let copy = fixture.directory.appendingPathComponent("backup.sqlite").path
        try fixture.registry.store.backup(to: copy)
        let store = try SQLiteRegistryStore(path: copy)
        let restored = Registry(store: store, clock: fixture.clock, servicePoint: "140105-01")
        #expect(try restored.verifyAudit() == fixture.registry.verifyAudit())
        #expect(try restored.pendingReleases().count == 5)
        try store.close()
    }

    @Test func aCorruptFileIsAClearErrorAtOpen() throws {
        let fixture = try RegistryFixture()
        try fixture.store.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.path))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 4096))
        try handle.close()
        try? FileManager.default.removeItem(atPath: fixture.path + "-wal")
        #expect(throws: SQLiteRegistryStore.OpenError.self) { try SQLiteRegistryStore(path: fixture.path) }
        // Reopen something valid so the fixture's deinit can close it.
        fixture.store = try SQLiteRegistryStore(path: fixture.directory.appendingPathComponent("other.sqlite").path)
    }
}

@Suite struct OpenCheckTests {
    @Test func aDroppedAuditGuardIsRefusedAtOpen() throws {
        let fixture = try RegistryFixture()
        try fixture.card(1, in: .active)
        try fixture.store.close()
        let raw = try Connection(path: fixture.path)
        try raw.execute("DROP TRIGGER audit_no_delete")
        try raw.close()
        #expect {
            try SQLiteRegistryStore(path: fixture.path)
        } throws: { error in
            "\(error)".contains("schema trigger audit_no_delete is missing")
        }
        fixture.store = try SQLiteRegistryStore(path: fixture.directory.appendingPathComponent("other.sqlite").path)
    }

    @Test(arguments: [IntegrityCheck.bounded, .full])
    func anEditedAuditTailIsRefusedAtOpen(_ level: IntegrityCheck) throws {
        let fixture = try RegistryFixture()
        try fixture.card(1, in: .temporarilyLost)
        try fixture.store.close()
        let raw = try Connection(path: fixture.path)
        try raw.execute("DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'forged' WHERE seq = 3; "
                            + "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;")
        try raw.close()
        #expect {
            try SQLiteRegistryStore(path: fixture.path, integrityCheck: level)
        } throws: { error in
            "\(error)".contains("audit chain broken at entry 3")
        }
        fixture.store = try SQLiteRegistryStore(path: fixture.directory.appendingPathComponent("other.sqlite").path)
    }

    @Test func theFullCheckPassesOnAHealthyRegistry() throws {
        let fixture = try RegistryFixture()
        for n in 1...3 { try fixture.card(n, in: .sealed) }
        #expect(try fixture.store.checkIntegrity().isEmpty)
        try fixture.store.close()
        fixture.store = try SQLiteRegistryStore(path: fixture.path, integrityCheck: .full)
    }
}
