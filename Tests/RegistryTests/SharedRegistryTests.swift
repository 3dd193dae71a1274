import Foundation
import PostgreSQLStore
import Registry
import RegistryPostgreSQL
import SSCardRig
import SSCardValues
import Testing

/// Many daemons sharing one PostgreSQL registry: each "daemon" here is a
/// store and a registry of its own (own connection pool, own audit chain,
/// own service point) on the same schema, driven from threads at once.
@Suite struct SharedRegistryTests {
    /// Another daemon on the fixture's registry, for service point `servicePoint`.
    static func daemon(_ fixture: RegistryFixture, _ servicePoint: String) throws -> Registry {
        let store = try fixture.openStore(auditChain: servicePoint)
        return Registry(store: store, clock: fixture.clock, policy: fixture.policy, servicePoint: servicePoint)
    }

    static func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    @Test func severalDaemonsMigratingAtOnceApplyEachMigrationOnce() throws {
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try RegistryFixture.admin { try $0.execute("CREATE SCHEMA \(schema)") }
        defer { try? RegistryFixture.admin { try $0.execute("DROP SCHEMA \(schema) CASCADE") } }
        let failures = LockedValue<[String]>([])
        Self.concurrently(4) { index in
            do {
                let store = try PostgreSQLRegistryStore(conninfo: RegistryFixture.conninfo(schema: schema),
                                                        auditChain: "sp-\(index)")
                try store.close()
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.value.isEmpty)
        let store = try PostgreSQLRegistryStore(conninfo: RegistryFixture.conninfo(schema: schema), auditChain: "x")
        #expect(try store.appliedMigrations() == ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel", "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"])
        try store.close()
    }

    /// Eight daemons report the same card lost at the same moment: one wins,
    /// seven get the lifecycle's refusal, and the card and trail agree.
    @Test func oneWinnerAndClearRefusalsOnOneCard() throws {
        let fixture = try RegistryFixture(.postgresql)
        try fixture.card(1, in: .active)
        let daemons = try (0..<8).map { try Self.daemon(fixture, "140105-\(10 + $0)") }
        let outcomes = LockedValue<[String]>([])
        Self.concurrently(daemons.count) { index in
            do {
                _ = try daemons[index].reportLoss(.temporary, fixture.request(1))
                outcomes.append("won")
            } catch let RegistryError.refused(_, refusal) {
                outcomes.append(refusal == .notAllowed(operation: .reportTemporaryLoss, state: .temporarilyLost)
                                 ? "refused" : "refused otherwise: \(refusal)")
            } catch {
                outcomes.append("failed: \(error)")
            }
        }
        #expect(outcomes.value.filter { $0 == "won" }.count == 1)
        #expect(outcomes.value.filter { $0 == "refused" }.count == 7, "\(outcomes.value)")
        let history = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(1))
        #expect(history.filter { $0.action.rawValue == "reportTemporaryLoss" && $0.outcome == .done }.count == 1)
        #expect(history.filter { $0.action.rawValue == "reportTemporaryLoss" && $0.outcome == .refused }.count == 7)
        #expect(try fixture.registry.status(of: RegistryFixture.cardNumber(1)).card.state == .temporarilyLost)
        let verification = try fixture.registry.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.chainsChecked >= 2)
        for daemon in daemons { try daemon.store.close() }
    }

    /// Four daemons append to their own chains at full speed: every chain
    /// stays consecutive and verifiable, and no append is lost.
    @Test func concurrentWritersKeepEveryChainIntact() throws {
        let fixture = try RegistryFixture(.postgresql)
        for n in 1...8 { try fixture.card(n, in: .active) }
        let before = try fixture.registry.verifyAudit().entriesChecked
        let daemons = try (0..<4).map { try Self.daemon(fixture, "140105-2\($0)") }
        let errors = LockedValue<[String]>([])
        Self.concurrently(8) { index in
            let daemon = daemons[index % daemons.count]
            for _ in 0..<10 {
                do {
                    _ = try daemon.lock(fixture.request(index + 1, actor: RegistryFixture.admin))
                    _ = try daemon.unlock(fixture.request(index + 1, actor: RegistryFixture.admin))
                } catch {
                    errors.append("\(error)")
                }
            }
        }
        #expect(errors.value.isEmpty, "\(errors.value.prefix(3))")
        let verification = try fixture.registry.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.entriesChecked == before + 8 * 10 * 2)
        #expect(verification.chainsChecked == 5)
        for daemon in daemons { try daemon.store.close() }
    }

    /// 300 deadlines, four keepers releasing at once: exactly 300 releases,
    /// one audit entry each, none before the deadline.
    @Test func autoReleaseHappensExactlyOnceWithFourKeepers() throws {
        let fixture = try RegistryFixture(.postgresql)
        let cards = 300
        let daemons = try (0..<4).map { try Self.daemon(fixture, "140105-3\($0)") }
        // Fast setup: each daemon issues a quarter of the cards.
        Self.concurrently(4) { part in
            let helper = RegistryFixture.Builder(fixture: fixture, registry: daemons[part])
            for n in stride(from: part + 1, through: cards, by: 4) {
                try! helper.lostCard(n)
            }
        }
        let deadline = RegistryFixture.start.adding(days: fixture.policy.temporaryLossDays)
        fixture.clock.set(deadline.adding(milliseconds: -1))
        let early = LockedValue<[String]>([])
        Self.concurrently(4) { index in
            early.append(String((try? daemons[index].releaseExpiredLosses(batchSize: 50)) ?? -1))
        }
        #expect(early.value == ["0", "0", "0", "0"])
        fixture.clock.set(deadline)
        let released = LockedValue<[String]>([])
        Self.concurrently(4) { index in
            released.append(String((try? daemons[index].releaseExpiredLosses(batchSize: 50)) ?? -1))
        }
        let total = released.value.compactMap(Int.init).reduce(0, +)
        #expect(total == cards, "\(released.value)")
        let releases = try fixture.registry.history(limit: 100_000).filter { $0.action.rawValue == "autoRelease" }
        #expect(releases.count == cards)
        #expect(Set(releases.compactMap(\.cardNumber)).count == cards)
        #expect(try fixture.registry.pendingReleases().isEmpty)
        #expect(try fixture.registry.verifyAudit().isIntact)
        for daemon in daemons { try daemon.store.close() }
    }

    /// The server ends the daemon's sessions in the middle of a write: the
    /// call fails with a clear error, nothing of it is applied, and the next
    /// calls are served on new connections without reopening anything.
    @Test func aLostConnectionFailsTheCallAndTheStoreReconnects() throws {
        let fixture = try RegistryFixture(.postgresql)
        let card = try fixture.card(1, in: .active)
        let auditBefore = try fixture.registry.verifyAudit().entriesChecked
        #expect(throws: PostgreSQLError.self) {
            try fixture.store.write { writer in
                var changed = card
                changed.state = .locked
                try writer.update(changed)
                try RegistryFixture.admin { admin in
                    try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                                    [.text(fixture.schema)])
                }
                _ = try writer.lastAuditLink()  // the session is gone
            }
        }
        #expect(try fixture.registry.status(of: card.cardNumber).card.state == .active)
        #expect(try fixture.registry.verifyAudit().entriesChecked == auditBefore)
        // Idle pooled sessions were ended too: the store replaces them.
        try RegistryFixture.admin { admin in
            try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                            [.text(fixture.schema)])
        }
        #expect(try fixture.registry.lock(fixture.request(1, actor: RegistryFixture.admin)).state == .locked)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    /// No server at all: a clear "unavailable" error, and during the backoff
    /// calls fail at once instead of piling up.
    @Test func anUnreachableServerIsUnavailableWithBackoff() throws {
        let pool = PGPool(conninfo: "host=/nonexistent-sscard port=5432 user=x dbname=x connect_timeout=2",
                          minimumBackoff: 30, maximumBackoff: 60)
        #expect { try pool.checkConnection() } throws: { error in
            (error as? PostgreSQLError)?.kind == .unavailable
        }
        let started = Date()
        #expect { try pool.checkConnection() } throws: { error in
            "\(error)".contains("reconnecting")
        }
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(pool.consecutiveFailures == 1)
    }
}

extension RegistryFixture {
    /// Builds cards through another daemon's registry (for setup in parallel).
    struct Builder {
        let fixture: RegistryFixture
        let registry: Registry

        func lostCard(_ n: Int) throws {
            let holder = Holder(ssn: RegistryFixture.ssn(n), name: try HolderName("张三"))
            let application = try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
            for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
                _ = try registry.advance(applicationId: application.id, to: stage, actor: RegistryFixture.admin)
            }
            _ = try registry.bind(applicationId: application.id,
                                  chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(n),
                                                     cardId: RegistryFixture.cardId(n), ssn: holder.ssn),
                                  actor: RegistryFixture.counter, evidence: RegistryFixture.idCard)
            _ = try registry.activate(fixture.request(n, actor: RegistryFixture.admin))
            _ = try registry.reportLoss(.temporary, fixture.request(n))
        }
    }
}

