import Foundation
import PostgreSQLStore
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// The change feed's catch-up: daemon A's LISTEN session is killed while A is
/// stopped (SIGSTOP), so it cannot reconnect before daemon B has made its
/// changes: the NOTIFYs for them reach no session of A's, and only the audit
/// trail can tell A's Monitor subscriber about them. B runs with its feed off,
/// so A's is the only listener on the database.
extension SharedRegistryDaemonTests {
    /// Two daemons on a fresh database, a Monitor subscriber on A, and three
    /// cards issued through B that the subscriber has seen (A's feed is live).
    struct Pair {
        let database: String
        let a: DaemonRig
        let b: DaemonRig
        let clientB: VarlinkClient
        let watcher: MonitorWatcher
        let cards: [String]

        init(extraA: String = "") throws {
            database = try SharedRegistryDaemonTests.freshDatabase()
            a = try DaemonRig(extra: SharedRegistryDaemonTests.postgresql(database) + "\n" + extraA)
            b = try SharedRegistryDaemonTests.secondDaemon(database, servicePoint: "test-140106", extra: "change-feed = off")
            clientB = try Fixture.client(b)
            watcher = try MonitorWatcher(a, method: RegistryMethod.monitor.name)
            let client = clientB
            cards = try [50, 51, 52].map { try Fixture.issue($0, client: client) }
            let last = cards[2]
            try watcher.wait { $0[.action]?.string == "activate" && $0[.card]?[.cardNumber]?.string == last }
        }

        /// Runs `body` while A is stopped and its listener's session is gone,
        /// then lets A go on; returns A's log position from before.
        func whileListenerDown(_ body: () throws -> Void) throws -> Int {
            let daemon = try #require(a.daemon)
            let seen = daemon.lineCount
            kill(daemon.pid, SIGSTOP)
            defer { kill(daemon.pid, SIGCONT) }
            let terminated = try SharedRegistryDaemonTests.query(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND application_name = 'sscard-listener'")
            #expect(terminated.map { $0.bool(0) } == [true])
            // The server ends the session asynchronously; B's NOTIFYs must find no session of A's listening.
            let deadline = Date().addingTimeInterval(20)
            while try SharedRegistryDaemonTests.listeners(database) != 0 {
                guard Date() < deadline else { throw RigError.timeout("A's listener session to end") }
                usleep(10_000)
            }
            try body()
            return seen
        }

        func call(_ method: RegistryMethod, _ card: String, _ extra: [WireKey: JSONValue] = [:]) throws {
            var parameters: [WireKey: JSONValue] = [.cardNumber: .string(card), .evidence: Fixture.idCard]
            parameters.merge(extra) { _, new in new }
            _ = try clientB.call(method.name, .fields(parameters))
        }

        /// The subscriber's events about `cards` from `index` on, as (action, card, state).
        func events(from index: Int) -> [[String]] {
            watcher.received.dropFirst(index).compactMap { event in
                guard let card = event[.card]?[.cardNumber]?.string, cards.contains(card) else {
                    return event[.action]?.string == "gap" ? ["gap"] : nil
                }
                return [event[.action]?.string ?? "", card, event[.card]?[.state]?.string ?? ""]
            }
        }
    }

    @Test("A's LISTEN session lost: A's Monitor subscriber gets every change B made meanwhile, once each, in order")
    func catchUpAfterListenerLoss() throws {
        let pair = try Pair()
        let (cards, start) = (pair.cards, pair.watcher.received.count)
        let seen = try pair.whileListenerDown {
            try pair.call(.reportLoss, cards[0], [.kind: "temporary"])
            try pair.call(.reportLoss, cards[1], [.kind: "temporary"])
            try pair.call(.lock, cards[2])
            // A refused attempt is in B's chain but is not a change: not shown.
            #expect(Fixture.error { try pair.call(.lock, cards[2]) }?.name == RegistryErrorName.transitionRefused.name)
        }
        let daemon = try #require(pair.a.daemon)
        try daemon.waitForLine(containing: "change feed reconnected: 3 change(s) other daemons made meanwhile", after: seen,
                               timeout: 30)
        // After the catch-up, B's next change arrives live, once.
        try pair.call(.unlock, cards[2])
        try pair.watcher.wait { $0[.action]?.string == "unlock" }
        #expect(pair.events(from: start) == [
            ["reportTemporaryLoss", cards[0], "temporarilyLost"],
            ["reportTemporaryLoss", cards[1], "temporarilyLost"],
            ["lock", cards[2], "locked"],
            ["unlock", cards[2], "active"],
        ])
        #expect(!daemon.output.dropFirst(seen).contains { $0.contains("change feed gap") })
        #expect(try Self.listeners(pair.database) == 1)
    }

    @Test("more missed changes than change-feed-catch-up-limit: none is shown, the subscriber gets a gap event")
    func catchUpOverTheLimit() throws {
        let pair = try Pair(extraA: "change-feed-catch-up-limit = 2")
        let (cards, start) = (pair.cards, pair.watcher.received.count)
        let seen = try pair.whileListenerDown {
            for card in cards { try pair.call(.reportLoss, card, [.kind: "temporary"]) }
        }
        let gap = try pair.watcher.wait(timeout: 30) { $0[.action]?.string == "gap" }
        #expect(gap[.actor]?.string == "system")
        let reason = try #require(gap[.reason]?.string)
        #expect(reason.contains("3 changes other daemons made while the change feed was reconnecting exceed its "
            + "catch-up limit of 2"), "\(reason)")
        let daemon = try #require(pair.a.daemon)
        try daemon.waitForLine(containing: "change feed gap, monitors told to re-read: 3 changes", after: seen)
        // The missed changes stay missed; the next one is shown as usual, once.
        try pair.call(.releaseLoss, cards[0])
        try pair.watcher.wait { $0[.action]?.string == "releaseLoss" }
        #expect(pair.events(from: start) == [["gap"], ["releaseLoss", cards[0], "active"]])
    }
}
