import Foundation
import PostgreSQLStore
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// sscardd behind PgBouncer in transaction mode (`PgBouncerRig`, a private
/// PgBouncer 1.18 in front of the private server, two server connections per
/// database, so that the daemons' many client connections really are
/// multiplexed): `postgresql-pooling = transaction` serves the lifecycle
/// under concurrency, daemons starting together migrate once, and the
/// negative control — the default `session` through the same pooler — fails
/// calls clearly without applying anything half.
@Suite("sscardd behind PgBouncer in transaction mode", .serialized)
struct PgBouncerDaemonTests {
    /// The migrations' advisory lock key (`PostgreSQLRegistrySchema.migrationLockKey`).
    static let migrationLockKey: Int64 = 0x5353_4341_5244_0001

    /// A fresh database on the private server; returns its name.
    static func freshDatabase() throws -> String {
        let name = "sscard_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PGConnection(conninfo: PostgreSQLRig.shared.conninfo)
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        return name
    }

    /// The database on the server itself, bypassing PgBouncer (for the test's own checks).
    static func direct(_ database: String) -> String {
        "host=\(PostgreSQLRig.shared.directory) port=\(PostgreSQLRig.shared.port) user=\(PostgreSQLRig.shared.superuser) "
            + "dbname=\(database)"
    }

    /// The lines that put a daemon on `database` through `bouncer`. No
    /// `options=` in the conninfo: PgBouncer refuses that startup parameter.
    static func configuration(_ bouncer: PgBouncerRig, _ database: String, pooling: String = "transaction") -> String {
        """
        registry-engine = postgresql
        postgresql-conninfo = \(bouncer.conninfo(database: database))
        postgresql-pooling = \(pooling)
        change-feed = off
        """
    }

    /// A daemon with `lines`, not started; a service point other than the
    /// rig's own gives it an audit chain of its own.
    static func daemon(_ lines: String, servicePoint: String? = nil) throws -> DaemonRig {
        let rig = try DaemonRig(extra: lines, start: false)
        if let servicePoint {
            let text = try String(contentsOfFile: rig.configPath, encoding: .utf8)
                .replacingOccurrences(of: "service-point = test-140105", with: "service-point = \(servicePoint)")
            try text.write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        }
        return rig
    }

    static func query(_ conninfo: String, _ sql: String) throws -> [PGRow] {
        let connection = try PGConnection(conninfo: conninfo)
        defer { connection.close() }
        return try connection.query(sql)
    }

    /// Cards issued through `client` for holders `range`, active.
    static func issue(_ range: Range<Int>, client: VarlinkClient) throws -> [String] {
        try range.map { try Fixture.issue($0, client: client) }
    }

    /// Each card's trail holds exactly the loss changes that answered done, in order.
    static func expectTrail(matches load: LifecycleLoad, cards: [String], client: VarlinkClient) throws {
        let done = load.doneChanges
        for card in cards {
            let entries = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(card), .limit: 100_000]))[.entries]?
                .array ?? []
            let changes = entries.filter { $0[.outcome]?.string == "done" }.compactMap { $0[.action]?.string }
                .filter { $0 == "reportTemporaryLoss" || $0 == "releaseLoss" }
            #expect(changes == done[card] ?? [], "card \(card)")
            let state = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(card)]))[.card]?[.state]?.string
            #expect(state == (changes.last == "reportTemporaryLoss" ? "temporarilyLost" : "active"), "card \(card)")
        }
    }

    @Test("postgresql-pooling = transaction: 16 clients through 2 server connections, every call served, the chain intact")
    func transactionPooling() throws {
        let bouncer = try PgBouncerRig(poolSize: 2)
        let database = try Self.freshDatabase()
        let rig = try DaemonRig(extra: Self.configuration(bouncer, database))
        let daemon = try #require(rig.daemon)
        try daemon.waitForLine(containing: "postgresql-pooling = transaction: statements are sent unnamed")
        try daemon.waitForLine(containing: "registry database reached: applied 0001-registry")
        let client = try Fixture.client(rig)
        let cards = try Self.issue(60..<76, client: client)

        let started = ContinuousClock.now
        let load = try LifecycleLoad.run(rig, cards: cards, rounds: 20)
        // For docs/scale.md: the load's size and how it was multiplexed.
        print("transaction pooling: \(load.successes) calls in \(ContinuousClock.now - started), "
            + "\(bouncer.clientLogins(database: database)) client logins, "
            + "\(bouncer.serverConnections(database: database)) server connections")
        #expect(load.failures.isEmpty, "\(load.failures.prefix(5))")
        #expect(load.successes == 16 * 20 * 3)
        try Self.expectTrail(matches: load, cards: cards, client: client)
        let audit = try client.call(RegistryMethod.verifyAudit.name, [:])
        #expect(audit[.intact]?.bool == true)
        // 7 entries to issue each card, then 20 loss changes each.
        #expect(audit[.entriesChecked]?.int == Int64(16 * (7 + 20)))
        // Multiplexed for real: many client logins, never more than two server sessions.
        #expect(bouncer.clientLogins(database: database) > 2)
        #expect(bouncer.serverConnections(database: database) <= 2)
        #expect(try Self.query(Self.direct(database), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid()").first?.int64(0) ?? 99 <= 2)
        client.close()
        #expect(rig.stop() == 0)
    }

    /// The test holds the migrations' lock itself while both daemons start,
    /// so that both are seen waiting on it (each in a transaction of its own,
    /// on the two server connections) before either can migrate.
    @Test("two daemons starting at once through PgBouncer: the migrations are applied once, both serve")
    func twoDaemonsMigrateOnce() throws {
        let bouncer = try PgBouncerRig(poolSize: 2)
        let database = try Self.freshDatabase()
        let holder = try PGConnection(conninfo: Self.direct(database))
        defer { holder.close() }
        try holder.query("SELECT pg_advisory_lock($1)", [.integer(Self.migrationLockKey)])
        let a = try Self.daemon(Self.configuration(bouncer, database))
        let b = try Self.daemon(Self.configuration(bouncer, database), servicePoint: "test-140106")
        let started = DispatchGroup()
        let failures = NSLock.Outcomes()
        for rig in [a, b] {
            DispatchQueue.global().async(group: started) {
                do { try rig.start() } catch { failures.add(.failed("\(error)")) }
            }
        }
        // Both daemons' migrating transactions wait on the lock (an event the server reports).
        let deadline = Date().addingTimeInterval(30)
        while try holder.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND wait_event_type = 'Lock' AND wait_event = 'advisory'").first?.int64(0) != 2 {
            guard Date() < deadline else { throw RigError.timeout("two daemons waiting on the migrations' lock") }
            usleep(20_000)
        }
        try holder.query("SELECT pg_advisory_unlock($1)", [.integer(Self.migrationLockKey)])
        started.wait()
        #expect(failures.all.isEmpty, "\(failures.all)")

        let logs = [a, b].compactMap { $0.daemon?.output.joined(separator: "\n") }
        #expect(logs.count == 2)
        // Each migration is applied by exactly one of them (one may apply the
        // first and the other the second: each migration takes the lock anew).
        let appliedLines = logs.flatMap { $0.split(separator: "\n") }.filter { $0.contains("registry database reached: applied") }
        for migration in ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel", "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"] {
            #expect(appliedLines.filter { $0.contains(migration) }.count == 1, "\(migration): \(appliedLines)")
        }
        #expect(try Self.query(Self.direct(database), "SELECT id FROM schema_migrations ORDER BY id").compactMap { $0.string(0) }
            == ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel", "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"])
        // Both serve: a card issued through A is reported lost through B and released through A.
        let clientA = try Fixture.client(a), clientB = try Fixture.client(b)
        let number = try Fixture.issue(80, client: clientA)
        #expect(try clientB.call(RegistryMethod.reportLoss.name, .fields([.kind: "temporary", .cardNumber: .string(number),
                                                                    .evidence: Fixture.idCard]))[.card]?[.state]?.string
            == "temporarilyLost")
        #expect(try clientA.call(RegistryMethod.releaseLoss.name, .fields([.cardNumber: .string(number),
                                                                     .evidence: Fixture.idCard]))[.card]?[.state]?.string
            == "active")
        #expect(try clientB.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        clientA.close()
        clientB.close()
    }
}
