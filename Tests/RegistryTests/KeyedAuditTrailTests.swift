import Foundation
import Testing
@testable import Registry
import SQLiteStore
import RegistryPostgreSQL
import SSCardValues

/// The keyed chain against someone who can write the database but does not
/// hold the audit key: removal from the end, rewriting with recomputed
/// hashes, REPLACE, and a chain that predates keys (docs/security.md, "The audit trail").
@Suite struct KeyedAuditTrailTests {
    static let key = AuditKey(bytes: Array("an audit key of thirty-two bytes".utf8))!
    static let otherKey = AuditKey(bytes: Array("another key, also 32 bytes long!".utf8))!

    func keyedFixture(_ engine: RegistryEngine) throws -> RegistryFixture {
        let fixture = try RegistryFixture(engine)
        fixture.auditKey = Self.key
        try fixture.reopen()
        return fixture
    }

    func busyTrail(_ fixture: RegistryFixture, cards: ClosedRange<Int> = 1...3) throws {
        for n in cards {
            try fixture.card(n, in: .active)
            _ = try fixture.registry.reportLoss(.temporary, fixture.request(n))
        }
    }

    /// Rewrites entries from `first` on as the attacker can: new content,
    /// unkeyed, every hash recomputed with SHA-256 so that the links hold.
    func rewriteUnkeyed(_ fixture: RegistryFixture, from first: Int64, reason: String) throws {
        let entries = try fixture.registry.history(limit: 100_000).filter { $0.sequence >= first }
        var previous = entries.first!.previousHash
        try fixture.dropAuditGuard("audit_no_update")
        for var entry in entries {
            if entry.sequence == first { entry.reason = reason }
            entry.keyed = false
            let forged = entry.sealed(after: previous)
            let reasonChange = entry.sequence == first ? "reason = '\(reason)', " : ""
            try fixture.raw("UPDATE audit SET \(reasonChange)keyed = 0, "
                                + "prev_hash = \(fixture.bytesLiteral(forged.previousHash)), "
                                + "hash = \(fixture.bytesLiteral(forged.hash)) WHERE seq = \(entry.sequence)")
            previous = forged.hash
        }
        try fixture.restoreAuditUpdateGuard()
    }

    @Test(arguments: RegistryEngine.allCases)
    func anOldChainMigratesAndIsSealedByTheFirstKeyedEntry(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture, cards: 1...2)
        let old = try fixture.registry.history(limit: 1000)
        #expect(old.allSatisfy { !$0.keyed })
        fixture.auditKey = Self.key
        try fixture.reopen()
        try busyTrail(fixture, cards: 3...4)
        let all = try fixture.registry.history(limit: 1000)
        #expect(Array(all.prefix(old.count)) == old)  // the old part is untouched
        #expect(all.dropFirst(old.count).allSatisfy { $0.keyed })
        #expect(all[old.count].previousHash == old.last!.hash)  // the seal links to the old head
        let head = try fixture.registry.auditHead()
        #expect(try fixture.registry.verifyAudit(head: head, start: nil, whole: true).isIntact)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    @Test(arguments: RegistryEngine.allCases)
    func entriesRemovedFromTheEndAreReportedAgainstTheRememberedHead(_ engine: RegistryEngine) throws {
        let fixture = try keyedFixture(engine)
        try busyTrail(fixture)
        let head = try fixture.registry.auditHead()
        try fixture.store.close()
        try fixture.dropAuditGuards()
        let chain = engine == .sqlite ? "" : " AND chain = '\(RegistryFixture.servicePoint)'"
        try fixture.raw("DELETE FROM audit WHERE seq > \(head.sequence - 3)\(chain)")
        if engine == .postgresql {
            try fixture.raw("UPDATE audit_chains SET last_seq = \(head.sequence - 3), last_hash = (SELECT hash FROM audit "
                                + "WHERE seq = \(head.sequence - 3)\(chain)) WHERE chain = '\(RegistryFixture.servicePoint)'")
        }
        try fixture.restoreAuditUpdateGuard()
        try fixture.restoreAuditDeleteGuard()
        fixture.store = try fixture.openStore()
        fixture.registry = Registry(store: fixture.store, clock: fixture.clock, servicePoint: RegistryFixture.servicePoint)
        // Without the head the shorter chain links perfectly: that is why the head lives elsewhere.
        #expect(try fixture.registry.verifyAudit().isIntact)
        let checked = try fixture.registry.checkAuditHead(head)
        #expect(checked?.sequence == head.sequence - 2)
        #expect(checked?.problem.contains("truncated") == true)
        let result = try fixture.registry.verifyAudit(head: head, start: nil, whole: true)
        #expect(!result.isIntact)
        #expect(result.firstBrokenSequence == head.sequence - 2)
        #expect(result.problem?.contains("3 entries were removed from the end") == true)
    }

    @Test(arguments: RegistryEngine.allCases)
    func anEntryRewrittenWithTheOldUnkeyedHashChainIsDetected(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try busyTrail(fixture, cards: 1...1)
        fixture.auditKey = Self.key
        try fixture.reopen()
        try busyTrail(fixture, cards: 2...3)
        let head = try fixture.registry.auditHead()
        let sealed = try fixture.registry.history(limit: 1000).first(where: { $0.keyed })!.sequence
        // A keyed entry in the middle, and everything after it, recomputed as the unkeyed chain.
        try rewriteUnkeyed(fixture, from: sealed + 2, reason: "forged")
        let withHead = try fixture.registry.verifyAudit(head: head, start: nil, whole: true)
        #expect(withHead.firstBrokenSequence == sealed + 2)
        #expect(withHead.problem?.contains("unkeyed entry after the chain was sealed") == true)
        // Even the whole keyed part rewritten, so that no keyed entry is left
        // and every link holds: the head remembered outside shows it, at its sequence.
        try rewriteUnkeyed(fixture, from: sealed, reason: "forged")
        #expect(try fixture.registry.verifyAudit().isIntact)
        let result = try fixture.registry.verifyAudit(head: head, start: nil, whole: true)
        #expect(!result.isIntact)
        #expect(result.firstBrokenSequence == head.sequence)
        #expect(result.problem?.contains("differs from the checkpointed head") == true)
        #expect(try fixture.registry.checkAuditHead(head)?.problem.contains("rewritten") == true)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aKeyedEntryResealedUnderAnotherKeyIsDetected(_ engine: RegistryEngine) throws {
        let fixture = try keyedFixture(engine)
        try busyTrail(fixture)
        var entry = try fixture.registry.history(limit: 1000)[4]
        entry.reason = "forged"
        let forged = entry.sealed(after: entry.previousHash, key: Self.otherKey)
        try fixture.dropAuditGuard("audit_no_update")
        try fixture.raw("UPDATE audit SET reason = 'forged', hash = \(fixture.bytesLiteral(forged.hash)) "
                            + "WHERE seq = \(entry.sequence)")
        let result = try fixture.registry.verifyAudit()
        #expect(result.firstBrokenSequence == entry.sequence)
        #expect(result.problem?.contains("does not match its MAC") == true)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aKeyedChainDoesNotOpenWithoutItsKey(_ engine: RegistryEngine) throws {
        let fixture = try keyedFixture(engine)
        try busyTrail(fixture, cards: 1...1)
        try fixture.store.close()
        fixture.auditKey = nil
        #expect {
            try fixture.openStore()
        } throws: { error in
            "\(error)".contains("no audit key was given")
        }
        try fixture.replaceWithEmptyStore()
    }

    @Test func sqliteRefusesInsertOrReplaceOnTheTrail() throws {
        let fixture = try keyedFixture(.sqlite)
        try busyTrail(fixture, cards: 1...1)
        let before = try fixture.registry.history(limit: 1000)
        #expect {
            try fixture.raw("INSERT OR REPLACE INTO audit (seq, at, actor, role, channel, service_point, action, outcome, "
                                + "document, prev_hash, hash) VALUES (2, 0, 'x', 'admin', 'counter', 'p', 'forged', "
                                + "'done', 'none', X'00', X'00')")
        } throws: { error in
            "\(error)".contains("append-only")
        }
        #expect(try fixture.registry.history(limit: 1000) == before)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aWalkFromTheLastVerifiedCheckpointChecksOnlyWhatFollows(_ engine: RegistryEngine) throws {
        let fixture = try keyedFixture(engine)
        try busyTrail(fixture, cards: 1...2)
        let first = try fixture.registry.verifyAudit(head: nil, start: nil, whole: false)
        let checkpoint = try #require(first.verifiedHead)
        try busyTrail(fixture, cards: 3...3)
        let next = try fixture.registry.verifyAudit(head: try fixture.registry.auditHead(), start: checkpoint, whole: false)
        #expect(next.isIntact)
        #expect(next.entriesChecked == Int(try fixture.registry.auditHead().sequence - checkpoint.sequence) + 1)
        // The checkpoint's own entry rewritten: the walk from it says so.
        try fixture.dropAuditGuard("audit_no_update")
        let chain = engine == .sqlite ? "" : " AND chain = '\(RegistryFixture.servicePoint)'"
        try fixture.raw("UPDATE audit SET hash = \(fixture.bytesLiteral([UInt8](repeating: 7, count: 32))) "
                            + "WHERE seq = \(checkpoint.sequence)\(chain)")
        let broken = try fixture.registry.verifyAudit(head: nil, start: checkpoint, whole: false)
        #expect(broken.firstBrokenSequence == checkpoint.sequence)
    }

    /// A long walk reports progress every `AuditTrail.progressInterval` entries,
    /// which is what lets VerifyAudit stream instead of outliving a client's timeout.
    @Test func aLongWalkReportsProgress() throws {
        let fixture = try keyedFixture(.sqlite)
        let count = AuditTrail.progressInterval * 2 + 100
        try fixture.store.write { writer in
            for _ in 0..<count {
                try AuditTrail.append(AuditEntry(sequence: 0, at: RegistryFixture.start, actor: RegistryFixture.admin,
                                                 action: AuditAction(rawValue: "probe"), outcome: .refused, reason: "progress"), to: writer)
            }
        }
        var reported: [Int] = []
        let result = try fixture.registry.verifyAudit(head: nil, start: nil, whole: true) { reported.append($0) }
        #expect(result.isIntact)
        #expect(result.entriesChecked == count)
        #expect(reported == [AuditTrail.progressInterval, AuditTrail.progressInterval * 2])
    }
}
