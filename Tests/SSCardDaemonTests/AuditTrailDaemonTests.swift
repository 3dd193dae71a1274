import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// The keyed audit trail with sscardd as a process: the key's file mode, the
/// head file written at stop, and entries removed from the registry file
/// while sscardd was stopped (docs/security.md, "The audit trail").
@Suite("sscardd: the audit trail against someone who can write the database", .serialized)
struct AuditTrailDaemonTests {
    /// A rig whose sscardd seals the trail with a key from `audit-key-file`.
    static func keyedRig(mode: mode_t = 0o600, extra: String = "", start: Bool = true) throws -> DaemonRig {
        let rig = try DaemonRig(extra: "", start: false)
        let key = rig.directory + "/audit-key"
        try Data((0..<32).map { UInt8($0 * 7 & 0xFF) }).write(to: URL(fileURLWithPath: key))
        chmod(key, mode)
        try rig.configPath.appendLine("audit-key-file = \(key)")
        if !extra.isEmpty { try rig.configPath.appendLine(extra) }
        if start { try rig.start() }
        return rig
    }

    static func sqlite(_ rig: DaemonRig, _ sql: String) throws -> String {
        let result = try runToEnd("/usr/bin/sqlite3", [rig.stateDirectory + "/registry.sqlite", sql])
        #expect(result.code == 0, "sqlite3: \(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("an audit key file group or other can read is refused at start, naming the file and its mode")
    func keyFileMode() throws {
        let rig = try Self.keyedRig(mode: 0o640, start: false)
        let result = try runToEnd(PCSCRig.productsDirectory + "/sscardd", ["--config", rig.configPath])
        #expect(result.code != 0)
        #expect(result.output.contains("audit key \(rig.directory)/audit-key: mode 0640 lets group or other read it"))
        #expect(!FileManager.default.fileExists(atPath: rig.socketPath))
    }

    @Test("the newest three entries deleted while sscardd was stopped: VerifyAudit reports the truncation after the restart")
    func truncationWhileStopped() throws {
        let rig = try Self.keyedRig()
        let client = try Fixture.client(rig)
        for n in 1...3 { _ = try Fixture.issue(40 + n, client: client) }
        client.close()
        let first = try #require(rig.daemon)
        #expect(first.output.contains { $0.contains("audit trail keyed") })
        #expect(rig.stop() == 0)
        let stopLine = try #require(try first.completeOutput().last { $0.contains("audit checkpoint (stop)") })
        let head = try #require(stopLine.split(separator: " ").last.map(String.init))
        let headFile = try String(contentsOfFile: rig.stateDirectory + "/audit-head", encoding: .utf8)
        #expect(headFile.contains(head))
        let last = try #require(Int(head.split(separator: ":")[0]))
        #expect(try Self.sqlite(rig, "SELECT COUNT(*) FROM audit WHERE keyed = 1") == String(last))

        // Someone with the file: drop the guard, delete the newest three, put the guard back.
        _ = try Self.sqlite(rig, """
            DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > \(last - 3);
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """)

        try rig.start()
        let second = try #require(rig.daemon)
        _ = try second.waitForLine(containing: "audit trail does not reach the head")
        let admin = try Fixture.client(rig)
        let reply = try admin.call(RegistryMethod.verifyAudit.name, [:])
        #expect(reply[.intact]?.bool == false)
        #expect(reply[.firstBrokenSequence]?.int == Int64(last - 2))
        #expect(reply[.problem]?.string?.contains("3 entries were removed from the end") == true)
        #expect(reply[.head]?.string == head)
        // Streamed, the whole chain: the same verdict as the final reply.
        var replies: [JSONValue] = []
        try admin.stream(RegistryMethod.verifyAudit.name, .fields([.whole: true])) { replies.append($0); return true }
        #expect(replies.last?[.intact]?.bool == false)
        #expect(replies.last?[.problem]?.string?.contains("truncated") == true)
        // The head file is the evidence: new checkpoints do not overwrite it.
        _ = try Fixture.issue(50, client: admin)
        admin.close()
        #expect(rig.stop() == 0)
        #expect(try String(contentsOfFile: rig.stateDirectory + "/audit-head", encoding: .utf8) == headFile)

        // A start with integrity-check = full refuses to serve such a chain:
        // the entries appended since reuse the removed numbers, so the head's
        // sequence now holds another entry.
        try rig.configPath.appendLine("integrity-check = full")
        let full = try runToEnd(PCSCRig.productsDirectory + "/sscardd", ["--config", rig.configPath])
        #expect(full.code != 0)
        #expect(full.output.contains("integrity-check = full: audit chain broken at entry \(last): "
                                         + "differs from the checkpointed head (rewritten)"))
    }

    @Test("VerifyAudit: from the last verified checkpoint by default, the whole chain on request, streamed to the end")
    func checkpointedVerification() throws {
        let rig = try Self.keyedRig()
        let admin = try Fixture.client(rig)
        for n in 1...2 { _ = try Fixture.issue(60 + n, client: admin) }
        let whole = try admin.call(RegistryMethod.verifyAudit.name, .fields([.whole: true]))
        #expect(whole[.intact]?.bool == true)
        let verified = try #require(whole[.verifiedHead]?.string)
        _ = try Fixture.issue(63, client: admin)
        let next = try admin.call(RegistryMethod.verifyAudit.name, [:])
        #expect(next[.intact]?.bool == true)
        #expect(next[.from]?.int == Int64(verified.split(separator: ":")[0])!)
        #expect((next[.entriesChecked]?.int ?? 0) < (whole[.entriesChecked]?.int ?? 0))
        var replies: [JSONValue] = []
        try admin.stream(RegistryMethod.verifyAudit.name, .fields([.whole: true])) { replies.append($0); return true }
        #expect(replies.last?[.intact]?.bool == true)
        #expect(replies.dropLast().allSatisfy { $0[.progress]?.bool == true })
        let bad = Fixture.error { _ = try admin.call(RegistryMethod.verifyAudit.name, .fields([.head: "12:zz"])) }
        #expect(bad?.name == RegistryErrorName.invalidValue.name)
        admin.close()
    }

    @Test("the head file rolled back with the database: the head from the journal still shows the truncation")
    func headFromTheJournal() throws {
        let rig = try Self.keyedRig(extra: "audit-checkpoint-interval = 1")
        let client = try Fixture.client(rig)
        for n in 1...2 { _ = try Fixture.issue(70 + n, client: client) }
        let first = try #require(rig.daemon)
        // The interval's checkpoint reaches the journal while sscardd serves.
        _ = try first.waitForLine(containing: "audit checkpoint (interval)")
        client.close()
        #expect(rig.stop() == 0)
        let stopLine = try #require(try first.completeOutput().last { $0.contains("audit checkpoint (stop)") })
        let head = try #require(stopLine.split(separator: " ").last.map(String.init))
        let last = try #require(Int(head.split(separator: ":")[0]))

        // Someone with the file and the state directory: three entries and the head file gone.
        _ = try Self.sqlite(rig, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > \(last - 3);")
        try FileManager.default.removeItem(atPath: rig.stateDirectory + "/audit-head")
        _ = try Self.sqlite(rig, "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                                + "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;")
        try rig.start()
        let admin = try Fixture.client(rig)
        #expect(try admin.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        let reply = try admin.call(RegistryMethod.verifyAudit.name, .fields([.head: .string(head)]))
        #expect(reply[.intact]?.bool == false)
        #expect(reply[.problem]?.string?.contains("3 entries were removed from the end") == true)
        // sscardctl shows the same verdict (no terminal here, so no progress line).
        let shown = try rig.sscardctl(["verify-audit", "--head", head, "--json"])
        #expect(shown.output.contains("\"intact\":false"))
        #expect(shown.code == 7, "verify-audit's exit status says the trail is not intact")
        #expect(!shown.output.contains("verifying:"))
        admin.close()
    }
}
