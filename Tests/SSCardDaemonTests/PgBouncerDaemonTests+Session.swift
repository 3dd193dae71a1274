import Foundation
import PostgreSQLStore
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// The negative control and the configuration checks of transaction pooling.
extension PgBouncerDaemonTests {
    /// The default, `postgresql-pooling = session`, through the same
    /// transaction-mode PgBouncer: each daemon connection prepares its
    /// statements on whichever server session runs that transaction, and the
    /// next transaction may run on the other one, where the statement does
    /// not exist. Such calls must fail as RegistryUnavailable and change
    /// nothing; the daemon must keep running and its chain stay intact.
    ///
    /// The session daemon starts first, alone on the pooler: one connection
    /// whose migrations and open check meet no other client, so PgBouncer
    /// (which hands out the server connection used last) keeps it on one
    /// server session and the start passes. A daemon with transaction pooling
    /// then issues the cards and afterwards checks what the load left: it is
    /// not itself disturbed by the session daemon's trouble.
    @Test("negative control: postgresql-pooling = session through transaction pooling fails calls clearly, applies nothing half")
    func sessionPoolingThroughTransactionPooler() throws {
        let bouncer = try PgBouncerRig(poolSize: 2)
        let database = try Self.freshDatabase()
        let session = try Self.daemon(Self.configuration(bouncer, database, pooling: "session"), servicePoint: "test-140106")
        try session.start()
        let daemon = try #require(session.daemon)
        try daemon.waitForLine(containing: "registry database reached: applied 0001-registry")
        let checker = try DaemonRig(extra: Self.configuration(bouncer, database))
        let client = try Fixture.client(checker)
        let cards = try Self.issue(60..<76, client: client)

        let load = try LifecycleLoad.run(session, cards: cards, rounds: 8)
        let failures = load.failures
        // For docs/scale.md: how many calls failed, by SQLSTATE.
        let states = Dictionary(grouping: failures) { $0.reason.split(separator: ":").first.map(String.init) ?? "" }
        print("negative control: \(load.successes) calls served, \(failures.count) failed: "
            + states.map { "\($0.value.count) × \($0.key)" }.sorted().joined(separator: ", "))
        #expect(!failures.isEmpty)
        for failure in failures {
            #expect(failure.name == RegistryErrorName.registryUnavailable.name, "\(failure)")
            #expect(failure.reason.contains("prepared statement") && failure.reason.contains("does not exist"), "\(failure)")
        }
        #expect(daemon.isRunning)
        // Nothing half applied: the trail holds exactly the changes that answered done.
        try Self.expectTrail(matches: load, cards: cards, client: client)
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        client.close()
        #expect(session.stop() == 0)
    }

    @Test("configuration: transaction pooling needs change-feed = off, named by its line; a bad value names its line")
    func configuration() throws {
        let rig = try DaemonRig(extra: "registry-engine = postgresql\npostgresql-conninfo = host=/tmp", start: false)
        let path = rig.configPath
        // Each file ends with an empty socket-group: --check-config checks the
        // group exists, and the default ('sscard') need not on a test machine.
        func write(_ lines: String) throws {
            try ("registry-engine = postgresql\npostgresql-conninfo = host=/tmp\n" + lines + "socket-group =\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        func check(start: Bool = false) throws -> (code: Int32, output: String) {
            try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", path] + (start ? [] : ["--check-config"]))
        }
        // The feed on by default: the pooling line is named.
        try write("postgresql-pooling = transaction\n")
        let defaulted = try check()
        #expect(defaulted.code == 78)
        #expect(defaulted.output.contains("\(path):3: 'postgresql-pooling = transaction' needs 'change-feed = off' "
            + "(the feed is on by default)"), "\(defaulted.output)")
        // The feed on explicitly: its line is named; a real start says the same and stops.
        try write("change-feed = on\npostgresql-pooling = transaction\n")
        for start in [false, true] {
            let explicit = try check(start: start)
            #expect(explicit.code == 78)
            #expect(explicit.output.contains("\(path):3: 'postgresql-pooling = transaction' needs 'change-feed = off': "
                + "the change feed LISTENs"), "\(explicit.output)")
        }
        try write("postgresql-pooling = transaction\nchange-feed = off\n")
        let accepted = try check()
        #expect(accepted.code == 0, "\(accepted.output)")
        try write("postgresql-pooling = statement\n")
        let bad = try check()
        #expect(bad.code == 78)
        #expect(bad.output.contains("\(path):3: 'postgresql-pooling' must be session or transaction"), "\(bad.output)")
        // With the sqlite engine the key is allowed and unused, like the conninfo.
        try "postgresql-pooling = transaction\nsocket-group =\n".write(toFile: path, atomically: true, encoding: .utf8)
        let sqlite = try check()
        #expect(sqlite.code == 0, "\(sqlite.output)")
    }
}
