import Foundation
import PostgreSQLStore
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Failover for real: two sscardd on a primary with a streaming standby
/// (`PostgreSQLReplicaPair`, servers of this test's own), the primary lost,
/// the standby promoted. The daemons are given both hosts with
/// `target_session_attrs=read-write` and are never restarted.
@Suite("sscardd: failover to a promoted standby", .serialized)
struct PostgreSQLFailoverTests {
    /// How long no server accepts writes before the promotion.
    enum Gap: String, CustomTestStringConvertible {
        /// Promoted as soon as the daemons have answered RegistryUnavailable.
        case immediate
        /// Promoted once the daemon's reconnect backoff has reached its cap
        /// (5 s, jittered down to half): how a failover that takes an
        /// operator or Patroni some seconds looks to the daemons.
        case backoffAtCap

        var testDescription: String { rawValue }
    }

    static func query(_ conninfo: String, _ sql: String) throws -> [PGRow] {
        let connection = try PGConnection(conninfo: conninfo)
        defer { connection.close() }
        return try connection.query(sql)
    }

    /// Waits until the standby has replayed everything the primary has
    /// written so far. Replication has no notification a client can wait on,
    /// so this polls the replay position (bounded by `timeout`).
    static func waitForReplay(_ pair: PostgreSQLReplicaPair, timeout: TimeInterval = 30) throws {
        let target = try #require(try query(pair.conninfo(.primary), "SELECT pg_current_wal_lsn()::text").first?.string(0))
        let standby = try PGConnection(conninfo: pair.conninfo(.standby))
        defer { standby.close() }
        let deadline = Date().addingTimeInterval(timeout)
        while try standby.query("SELECT pg_last_wal_replay_lsn() >= '\(target)'::pg_lsn").first?.bool(0) != true {
            guard Date() < deadline else { throw RigError.timeout("the standby to replay up to \(target)") }
            usleep(10_000)
        }
    }

    @Test("primary lost, standby promoted: RegistryUnavailable in the gap, then served again without a restart, nothing lost, monitors fed",
          arguments: [Gap.immediate, .backoffAtCap])
    func promotedStandby(gap: Gap) throws {
        let pair = try PostgreSQLReplicaPair()
        let database = "sscard_failover"
        let admin = try PGConnection(conninfo: pair.conninfo(.primary))
        try admin.execute("CREATE DATABASE \(database)")
        admin.close()
        let conninfo = pair.failoverConninfo(database: database)
        let a = try DaemonRig(extra: SharedRegistryDaemonTests.postgresql(conninfo))
        let logA = try #require(a.daemon)
        try logA.waitForLine(containing: "registry database reached: applied 0001-registry")
        let b = try SharedRegistryDaemonTests.secondDaemon(conninfo, servicePoint: "test-140106")
        let logB = try #require(b.daemon)
        try logB.waitForLine(containing: "registry database reached")
        let clientA = try Fixture.client(a), clientB = try Fixture.client(b)
        let watcher = try MonitorWatcher(a, method: RegistryMethod.monitor.name)

        // A change through A, and one through B that A's subscriber sees through its feed.
        let number = try Fixture.issue(45, client: clientA)
        _ = try clientA.call(RegistryMethod.lock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        let other = try Fixture.issue(46, client: clientB)
        try watcher.wait { $0[.action]?.string == "activate" && $0[.card]?[.cardNumber]?.string == other }
        let entriesBefore = try #require(try clientA.call(RegistryMethod.verifyAudit.name, [:])[.entriesChecked]?.int)
        try Self.waitForReplay(pair)

        let probe = try RegistryProbe(a, cardNumber: number)
        defer { probe.stop() }  // on an early failure too; stopping twice is harmless
        try probe.waitForSuccesses(1)
        let (seenA, seenB) = (logA.lineCount, logB.lineCount)
        let stopped = ContinuousClock.now
        pair.stop(.primary)
        let down = ContinuousClock.now

        // The gap: no writable server. Calls fail at once, clearly; the daemons keep running.
        try logA.waitForLine(containing: "registry database unreachable", after: seenA, timeout: 30)
        try probe.waitForUnavailable(after: stopped, count: 3)
        let status = Fixture.error { _ = try clientA.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)])) }
        #expect(status?.name == RegistryErrorName.registryUnavailable.name)
        let seal = Fixture.error { _ = try clientB.call(RegistryMethod.seal.name, .fields([.cardNumber: .string(other),
                                                                                  .reason: "during the failover"])) }
        #expect(seal?.name == RegistryErrorName.registryUnavailable.name)
        let control = try a.sscardctl(["status", "--card", number])
        #expect(control.code == 6, "\(control.output)")
        if gap == .backoffAtCap {
            // Only the capped delay (2.5–5 s) can leave more than 3.2 s to the next attempt.
            try probe.waitForBackoff(longerThan: 3.2)
        }

        let promoting = ContinuousClock.now
        try pair.promoteStandby()
        let promoted = ContinuousClock.now
        try logA.waitForLine(containing: "registry database reachable again", after: seenA, timeout: 30)
        let firstServed = try probe.waitForSuccess(after: promoting)
        probe.stop()
        #expect(logA.isRunning && logB.isRunning)

        // Served again: the change made before the failover is there, new ones succeed on both daemons.
        #expect(try Self.query(pair.conninfo(.standby, database: database), "SELECT pg_is_in_recovery()").first?.bool(0) == false)
        #expect(try clientA.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?
            .string == "locked")
        let unlocked = try clientA.call(RegistryMethod.unlock.name, .fields([.cardNumber: .string(number),
                                                                        .evidence: Fixture.idCard]))
        #expect(unlocked[.card]?[.state]?.string == "active")
        // B's pool notices only if its keeper tried while no server was writable; then it is in backoff until back.
        if logB.output.dropFirst(seenB).contains(where: { $0.contains("registry database unreachable") }) {
            try logB.waitForLine(containing: "registry database reachable again", after: seenB, timeout: 30)
        }
        // Monitor on A: its feed reconnects to the new primary and shows B's next change.
        try logA.waitForLine(containing: "change feed reconnected", after: seenA, timeout: 30)
        _ = try clientB.call(RegistryMethod.reportLoss.name, .fields([.kind: "temporary", .cardNumber: .string(other),
                                                                .evidence: Fixture.idCard]))
        let lost = try watcher.wait { $0[.action]?.string == "reportTemporaryLoss" }
        #expect(lost[.card]?[.cardNumber]?.string == other)
        #expect(lost[.card]?[.state]?.string == "temporarilyLost")
        try watcher.wait { $0[.action]?.string == "unlock" }

        // Nothing lost, nothing half applied: the trail holds every change once, the seal nowhere.
        let audit = try clientA.call(RegistryMethod.verifyAudit.name, [:])
        #expect(audit[.intact]?.bool == true)
        #expect(audit[.entriesChecked]?.int == entriesBefore + 2)
        let history = try clientB.call(RegistryMethod.history.name, .fields([.cardNumber: .string(other)]))[.entries]?.array ?? []
        #expect(!history.contains { $0[.action]?.string == "seal" })
        let actions = try clientA.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array?
            .compactMap { $0[.action]?.string } ?? []
        #expect(actions.suffix(3) == ["activate", "lock", "unlock"])

        // Every probe call answered: done, or RegistryUnavailable, never another error or a hang.
        let calls = probe.calls
        #expect(calls.allSatisfy { $0.outcome != .failed }, "\(calls.filter { $0.outcome == .failed }.prefix(3))")
        let longest = calls.map(\.duration).max() ?? .zero
        #expect(longest < .seconds(5), "longest call \(longest)")
        // No server was writable from the primary's exit until the promotion: every call then was unavailable.
        let unserved = calls.filter { $0.started > down && $0.started < promoting }
        #expect(!unserved.isEmpty && unserved.allSatisfy { $0.outcome == .unavailable })
        print("""
            failover (\(gap)): primary stopped; pg_ctl promote -w started \(promoting - stopped) later and took \
            \(promoted - promoting); promote started → first GetStatus served: \(firstServed - promoting); \
            primary stopped → served: \(firstServed - stopped); \(unserved.count) calls before the promotion, all \
            RegistryUnavailable (last: \(unserved.last?.detail ?? "")); longest call \(longest)
            """)
        clientA.close()
        clientB.close()
        #expect(a.stop() == 0)
        #expect(b.stop() == 0)
    }
}
