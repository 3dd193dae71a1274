import Foundation
import PostgreSQLStore
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// sscardd processes on the PostgreSQL engine, against the private server of
/// this test process (`PostgreSQLRig`): the lifecycle, an outage of the
/// server while a card is in the reader, and the recovery.
@Suite("sscardd: the registry on PostgreSQL", .serialized)
struct SharedRegistryDaemonTests {
    /// A fresh database on the private server; returns its conninfo.
    static func freshDatabase() throws -> String {
        let name = "sscard_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PGConnection(conninfo: PostgreSQLRig.shared.conninfo)
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        return "host=\(PostgreSQLRig.shared.directory) port=\(PostgreSQLRig.shared.port) "
            + "user=\(PostgreSQLRig.shared.superuser) dbname=\(name)"
    }

    /// The configuration lines that put a daemon on `conninfo`. The rig's server
    /// trades durability for speed (synchronous_commit=off), so an immediate stop
    /// would lose acknowledged commits; the daemons' sessions ask for durable
    /// commits, as a production server gives them.
    static func postgresql(_ conninfo: String) -> String {
        "registry-engine = postgresql\npostgresql-conninfo = \(conninfo) options='-csynchronous_commit=on'"
    }

    static func query(_ conninfo: String, _ sql: String) throws -> [PGRow] {
        let connection = try PGConnection(conninfo: conninfo)
        defer { connection.close() }
        return try connection.query(sql)
    }

    @Test("a daemon on PostgreSQL serves the lifecycle, in its service point's audit chain; the password is never logged")
    func lifecycle() throws {
        let database = try Self.freshDatabase()
        // The rig trusts local connections, so the password is not checked; it must still never be logged.
        let rig = try DaemonRig(extra: Self.postgresql(database + " password='pw s3cret'"))
        let daemon = try #require(rig.daemon)
        try daemon.waitForLine(containing: "registry database reached: applied 0001-registry")
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(40, client: client)
        let lost = try client.call(RegistryMethod.reportLoss.name, .fields([.kind: "temporary", .cardNumber: .string(number),
                                                                       .evidence: Fixture.idCard]))
        #expect(lost[.card]?[.state]?.string == "temporarilyLost")
        #expect(try client.call(RegistryMethod.pendingReleases.name, [:])[.releases]?[0]?[.cardNumber]?.string == number)
        let released = try client.call(RegistryMethod.releaseLoss.name, .fields([.cardNumber: .string(number),
                                                                            .evidence: Fixture.idCard]))
        #expect(released[.card]?[.state]?.string == "active")
        let history = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        #expect(history.compactMap { $0[.action]?.string }.suffix(3) == ["activate", "reportTemporaryLoss", "releaseLoss"])
        let audit = try client.call(RegistryMethod.verifyAudit.name, [:])
        #expect(audit[.intact]?.bool == true)
        // Every entry is in this daemon's chain, named after its service point.
        let chains = try Self.query(database, "SELECT chain, count(*) FROM audit GROUP BY chain")
        #expect(chains.count == 1)
        #expect(chains.first?.string(0) == "test-140105")
        #expect(chains.first?.int64(1) == audit[.entriesChecked]?.int)
        // Backup is the SQLite engine's; on PostgreSQL it is refused clearly.
        let backup = Fixture.error { _ = try client.call(RegistryMethod.backup.name, .fields([.path: "/tmp/x.sqlite"])) }
        #expect(backup?.name == RegistryErrorName.registryUnavailable.name)
        #expect(backup?.parameters[.reason]?.string?.contains("pg_dump") == true)
        client.close()
        #expect(rig.stop() == 0)
        let log = daemon.output.joined(separator: "\n")
        #expect(!log.contains("s3cret"))
        #expect(log.contains("password=********"))
    }

    @Test("configuration: postgresql needs a conninfo, a bad conninfo names its line and never echoes the password")
    func configuration() throws {
        let rig = try DaemonRig(extra: "registry-engine = postgresql", start: false)
        let missing = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(missing.code == 78)
        #expect(missing.output.contains("\(rig.configPath):\(rig.firstExtraLine): 'registry-engine = postgresql' needs 'postgresql-conninfo'"))
        try (try String(contentsOfFile: rig.configPath, encoding: .utf8)
            + "\npostgresql-conninfo = host=/tmp password=hunter2 colour=blue\n")
            .write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let bad = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(bad.code == 78)
        #expect(bad.output.contains(":\(rig.firstExtraLine + 1): 'postgresql-conninfo' is not a valid libpq connection string"))
        #expect(bad.output.contains("colour"))
        #expect(!bad.output.contains("hunter2"))
        // With the sqlite engine a conninfo is allowed and unused (switching engines is one line).
        // (An empty socket-group: --check-config checks the group exists, and
        // the default, 'sscard', need not on a test machine.)
        try "postgresql-conninfo = host=/tmp\nsocket-group =\n".write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let sqlite = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(sqlite.code == 0, "\(sqlite.output)")
        // change-feed is on or off, and a bad value names its line.
        try "postgresql-conninfo = host=/tmp\nchange-feed = sometimes\n".write(toFile: rig.configPath, atomically: true,
                                                                             encoding: .utf8)
        let feed = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(feed.code == 78)
        #expect(feed.output.contains("\(rig.configPath):2: 'change-feed' must be on or off"), "\(feed.output)")
        try "registry-engine = postgresql\npostgresql-conninfo = host=/tmp\nchange-feed = off\nsocket-group =\n"
            .write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let off = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(off.code == 0, "\(off.output)")
        // Several hosts need target_session_attrs=read-write (or primary), or a standby could serve the registry.
        try "registry-engine = postgresql\npostgresql-conninfo = host=/tmp/a,/tmp/b port=5432,5433\n"
            .write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let hosts = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(hosts.code == 78)
        #expect(hosts.output.contains("\(rig.configPath):2: 'postgresql-conninfo' lists several hosts but not "
            + "target_session_attrs=read-write"), "\(hosts.output)")
        for attributes in ["read-write", "primary"] {
            try "registry-engine = postgresql\npostgresql-conninfo = postgresql://%2Ftmp%2Fa:5432,%2Ftmp%2Fb:5433/x?target_session_attrs=\(attributes)\nsocket-group =\n"
                .write(toFile: rig.configPath, atomically: true, encoding: .utf8)
            let accepted = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
            #expect(accepted.code == 0, "\(attributes): \(accepted.output)")
        }
    }

    /// The server goes away while a card is in the reader: reader calls keep
    /// working, registry calls answer RegistryUnavailable (sscardctl exits 6),
    /// a change tried meanwhile is not applied; once the server is back the
    /// daemon serves again without a restart.
    @Test("PostgreSQL stopped: ReadCard works, registry calls are RegistryUnavailable; restarted: served again, nothing half applied")
    func outageAndRecovery() throws {
        let database = try Self.freshDatabase()
        let rig = try DaemonRig(extra: Self.postgresql(database))
        let daemon = try #require(rig.daemon)
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(41, client: client)
        let card = try Fixture.insert(41, rig: rig)
        defer { Fixture.remove(card, rig: rig) }
        #expect(try client.call(RegistryMethod.getStatus.name, [:])[.card]?[.state]?.string == "active")

        // Writers hammer the card while the server stops under them.
        let outcomes = NSLock.Outcomes()
        let writers = DispatchGroup()
        let stopWriting = LockedValue(false)
        for _ in 0..<2 {
            DispatchQueue.global().async(group: writers) {
                guard let writer = try? Fixture.client(rig) else { return outcomes.add(.failed("connect")) }
                defer { writer.close() }
                while !stopWriting.value {
                    for method in [RegistryMethod.lock, .unlock] {
                        do {
                            _ = try writer.call(method.name, .fields([.cardNumber: .string(number),
                                                                                 .evidence: Fixture.idCard]))
                            outcomes.add(.done)
                        } catch let error as VarlinkError {
                            let reason = error.parameters[.reason]?.string ?? ""
                            outcomes.add(error.name.hasSuffix("RegistryUnavailable")
                                ? (reason.contains("during COMMIT") ? .unknown : .unavailable) : .refused)
                            // Pacing, not synchronization: do not flood the daemon's log during the outage.
                            usleep(5_000)
                        } catch {
                            outcomes.add(.failed("\(error)"))
                        }
                    }
                }
            }
        }
        #expect(outcomes.wait { $0.filter { $0 == .done }.count >= 10 })
        PostgreSQLRig.shared.stop()
        #expect(outcomes.wait { $0.filter { $0 == .unavailable }.count >= 4 })
        let unavailableLine = try daemon.waitForLine(containing: "registry database unreachable")

        let status = Fixture.error { _ = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)])) }
        #expect(status?.name == RegistryErrorName.registryUnavailable.name)
        let read = try client.call(ReaderMethod.readCard.name, [:])
        #expect(read[.identity]?[.cardNumber]?.string == number)
        let control = try rig.sscardctl(["status", "--card", number])
        #expect(control.code == 6)
        #expect(control.output.contains("RegistryUnavailable"))
        #expect(control.output.contains("try again"))
        let seal = Fixture.error { _ = try client.call(RegistryMethod.seal.name, .fields([.cardNumber: .string(number),
                                                                                 .reason: "during the outage"])) }
        #expect(seal?.name == RegistryErrorName.registryUnavailable.name)

        try PostgreSQLRig.shared.start()
        try daemon.waitForLine(containing: "registry database reachable again", after: unavailableLine, timeout: 30)
        stopWriting.set(true)
        writers.wait()
        let reply = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))
        let state = try #require(reply[.card]?[.state]?.string)
        #expect(state == "active" || state == "locked")

        // Nothing half applied: each change that answered done is in the
        // trail once (plus at most the ones whose COMMIT outcome was unknown),
        // the card's state is the last entry's, the seal is nowhere.
        let all = outcomes.all
        #expect(!all.contains { if case .failed = $0 { return true } else { return false } }, "\(all.prefix(5))")
        let done = all.filter { $0 == .done }.count, unknown = all.filter { $0 == .unknown }.count
        let entries = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number), .limit: 100_000]))[.entries]?
            .array ?? []
        let applied = entries.filter { ["lock", "unlock"].contains($0[.action]?.string ?? "") && $0[.outcome]?.string == "done" }
        #expect(applied.count >= done && applied.count <= done + unknown, "done \(done), unknown \(unknown), trail \(applied.count)")
        #expect(applied.last?[.newState]?.string == state)
        #expect(!entries.contains { $0[.action]?.string == "seal" })
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        #expect(try client.call(RegistryMethod.seal.name, .fields([.cardNumber: .string(number), .reason: "after"]))[.card]?[.state]?
            .string == "sealed")
    }

    /// A second daemon on the same database, with a service point of its own.
    static func secondDaemon(_ database: String, servicePoint: String, extra: String = "") throws -> DaemonRig {
        let rig = try DaemonRig(extra: Self.postgresql(database) + "\n" + extra, start: false)
        let text = try String(contentsOfFile: rig.configPath, encoding: .utf8)
            .replacingOccurrences(of: "service-point = test-140105", with: "service-point = \(servicePoint)")
        try text.write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        try rig.start()
        return rig
    }

    @Test("two daemons on one database: a Monitor subscriber on A sees the changes made through B, once each")
    func monitorAcrossDaemons() throws {
        let database = try Self.freshDatabase()
        let a = try DaemonRig(extra: Self.postgresql(database))
        let b = try Self.secondDaemon(database, servicePoint: "test-140106")
        let clientB = try Fixture.client(b)
        let watcher = try MonitorWatcher(a, method: RegistryMethod.monitor.name)
        let number = try Fixture.issue(43, client: clientB)
        let applied = try watcher.wait { $0[.action]?.string == "apply" }
        #expect(applied[.application]?[.ssn]?.string == Fixture.ssn(43))
        #expect(applied[.actor]?.string == "root")
        let bound = try watcher.wait { $0[.action]?.string == "bind" }
        #expect(bound[.card]?[.cardNumber]?.string == number)
        _ = try clientB.call(RegistryMethod.reportLoss.name, .fields([.kind: "temporary", .cardNumber: .string(number),
                                                                .evidence: Fixture.idCard]))
        let lost = try watcher.wait { $0[.action]?.string == "reportTemporaryLoss" }
        #expect(lost[.card]?[.state]?.string == "temporarilyLost")
        #expect(lost[.card]?[.name]?.string == "李四")
        // A's own change is published once, by A itself, not again by its feed.
        let clientA = try Fixture.client(a)
        _ = try clientA.call(RegistryMethod.releaseLoss.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        _ = try clientB.call(RegistryMethod.lock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        try watcher.wait { $0[.action]?.string == "lock" }
        #expect(watcher.received.filter { $0[.action]?.string == "releaseLoss" }.count == 1)
        #expect(watcher.received.filter { $0[.action]?.string == "reportTemporaryLoss" }.count == 1)
        // Both daemons' chains verify.
        #expect(try clientA.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        let chains = try Self.query(database, "SELECT chain FROM audit_chains ORDER BY chain").compactMap { $0.string(0) }
        #expect(chains == ["test-140105", "test-140106"])

        // The feed survives a restart of the server: A's listener reconnects (and catches
        // up: nothing was missed here), B reconnects, and B's next change reaches A's subscriber.
        let logA = try #require(a.daemon), logB = try #require(b.daemon)
        let (seenA, seenB) = (logA.output.count, logB.output.count)
        PostgreSQLRig.shared.stop()
        try PostgreSQLRig.shared.start()
        try logA.waitForLine(containing: "change feed reconnected", after: seenA, timeout: 30)
        // B notices the outage only if its keeper tried to connect while the server
        // was down; then its pool is in backoff until it says it is back.
        if logB.output.dropFirst(seenB).contains(where: { $0.contains("registry database unreachable") }) {
            try logB.waitForLine(containing: "registry database reachable again", after: seenB, timeout: 30)
        }
        _ = try clientB.call(RegistryMethod.unlock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        let unlocked = try watcher.wait { $0[.action]?.string == "unlock" }
        #expect(unlocked[.card]?[.state]?.string == "active")
    }

    /// LISTEN sessions on `conninfo`'s database: one per daemon whose change feed is on.
    /// (By their application_name: the session also reads what it is notified of.)
    static func listeners(_ conninfo: String) throws -> Int64? {
        try Self.query(conninfo, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND application_name = 'sscard-listener'").first?.int64(0)
    }

    @Test("change-feed = off: no LISTEN session, Monitor shows only this daemon's changes, which still reach the others")
    func changeFeedOff() throws {
        let database = try Self.freshDatabase()
        let quiet = try DaemonRig(extra: Self.postgresql(database) + "\nchange-feed = off")
        try #require(quiet.daemon).waitForLine(containing: "change feed off: Monitor subscribers see only this daemon's own")
        let other = try Self.secondDaemon(database, servicePoint: "test-140106")
        let quietWatcher = try MonitorWatcher(quiet, method: RegistryMethod.monitor.name)
        let otherWatcher = try MonitorWatcher(other, method: RegistryMethod.monitor.name)
        let quietClient = try Fixture.client(quiet), otherClient = try Fixture.client(other)

        // The other daemon issues a card; then the quiet one reports it lost.
        let number = try Fixture.issue(44, client: otherClient)
        _ = try quietClient.call(RegistryMethod.reportLoss.name, .fields([.kind: "temporary", .cardNumber: .string(number),
                                                                    .evidence: Fixture.idCard]))
        // The quiet daemon's change still reaches the other daemon's feed (its NOTIFY is part of the write)...
        let seen = try otherWatcher.wait { $0[.action]?.string == "reportTemporaryLoss" }
        #expect(seen[.card]?[.cardNumber]?.string == number)
        // ...while its own subscriber sees its own change and nothing of the other daemon's.
        try quietWatcher.wait { $0[.action]?.string == "reportTemporaryLoss" }
        let actions = quietWatcher.received.compactMap { $0[.action]?.string }
        #expect(!actions.contains("apply") && !actions.contains("bind") && !actions.contains("activate"), "\(actions)")
        // One LISTEN session on the database: the other daemon's (its feed just delivered).
        #expect(try Self.listeners(database) == 1)
        // The other daemon's next change is not shown here either; the quiet daemon's next one is.
        _ = try otherClient.call(RegistryMethod.releaseLoss.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        _ = try quietClient.call(RegistryMethod.lock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        try otherWatcher.wait { $0[.action]?.string == "lock" }
        try quietWatcher.wait { $0[.action]?.string == "lock" }
        #expect(!quietWatcher.received.contains { $0[.action]?.string == "releaseLoss" })
        #expect(try quietClient.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
    }

    @Test("unreachable at start: sscardd starts, serves readers, and migrates when the server first answers")
    func startsWithoutTheServer() throws {
        let database = try Self.freshDatabase()
        PostgreSQLRig.shared.stop()
        var restarted = false
        defer { if !restarted { try? PostgreSQLRig.shared.start() } }
        let rig = try DaemonRig(extra: Self.postgresql(database))
        let daemon = try #require(rig.daemon)
        try daemon.waitForLine(containing: "registry database unreachable at start")
        let client = try Fixture.client(rig)
        #expect(try client.call(ReaderMethod.listReaders.name, [:])[.readers]?.array?.count == 2)
        #expect(Fixture.error { _ = try client.call(RegistryMethod.pendingReleases.name, [:]) }?.name
            == RegistryErrorName.registryUnavailable.name)
        try PostgreSQLRig.shared.start()
        restarted = true
        try daemon.waitForLine(containing: "registry database reached: applied 0001-registry", timeout: 30)
        #expect(try Fixture.issue(42, client: client) == Fixture.cardNumber(42))
    }
}

extension NSLock {
    /// Outcomes of calls made from several threads, with a wait for a condition on them.
    final class Outcomes: @unchecked Sendable {
        enum Outcome: Equatable { case done, unavailable, unknown, refused, failed(String) }
        private let condition = NSCondition()
        private var collected: [Outcome] = []

        func add(_ outcome: Outcome) {
            condition.withLock {
                collected.append(outcome)
                condition.broadcast()
            }
        }

        var all: [Outcome] { condition.withLock { collected } }

        /// Waits until `enough` holds (bounded by 30 s); returns whether it did.
        @discardableResult
        func wait(_ enough: ([Outcome]) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(30)
            condition.lock()
            defer { condition.unlock() }
            while !enough(collected) {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }
}
