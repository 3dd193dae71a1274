import Foundation
import PostgreSQLStore
@testable import Registry
import RegistryPostgreSQL
import SSCardRig
import SSCardValues
import Testing

/// Moving a service point's SQLite registry to PostgreSQL: a real registry
/// file built through Registry calls, copied into a fresh schema of the
/// private server, then read back through the PostgreSQL engine.
@Suite struct RegistryTransferTests {
    /// A fresh empty schema on the private server; dropped by the caller's defer.
    static func emptySchema() throws -> String {
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try RegistryFixture.admin { try $0.execute("CREATE SCHEMA \(schema)") }
        return schema
    }

    static func dropSchema(_ schema: String) {
        try? RegistryFixture.admin { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
    }

    /// Cards in every state, a pending deadline, a refusal, a holder change and a replacement application.
    static func populatedSource() throws -> RegistryFixture {
        let fixture = try RegistryFixture(.sqlite)
        let states: [CardState] = [.issued, .active, .locked, .temporarilyLost, .formallyLost, .sealed, .cancelled]
        for (index, state) in states.enumerated() { try fixture.card(index + 1, in: state) }
        #expect(throws: RegistryError.self) { try fixture.registry.lock(fixture.request(7, actor: RegistryFixture.admin)) }
        _ = try fixture.registry.updateHolder(ssn: RegistryFixture.ssn(2), phone: "13800000002", address: "太原市小店区",
                                              actor: RegistryFixture.counter, evidence: RegistryFixture.idCard)
        _ = try fixture.registry.replace(fixture.request(5), reason: .lost)
        try fixture.store.close()
        return fixture
    }

    /// A chain keyed on SQLite keeps its MACs on PostgreSQL: copied with the
    /// key, verified with it on both sides, continued keyed by the copy.
    @Test func aKeyedChainIsCopiedWithItsKeyAndContinuesKeyed() throws {
        let fixture = try RegistryFixture(.sqlite)
        fixture.auditKey = KeyedAuditTrailTests.key
        try fixture.reopen()
        for n in 1...3 { try fixture.card(n, in: .active) }
        let sourceAudit = try fixture.registry.history(limit: 100_000)
        #expect(sourceAudit.allSatisfy { $0.keyed })
        try fixture.store.close()
        let schema = try Self.emptySchema()
        defer { Self.dropSchema(schema) }
        let conninfo = RegistryFixture.conninfo(schema: schema)
        #expect { try RegistryTransfer(sourcePath: fixture.path, conninfo: conninfo, chain: "140105-01").run() } throws: {
            "\($0)".contains("no audit key was given")
        }
        let report = try RegistryTransfer(sourcePath: fixture.path, conninfo: conninfo, chain: "140105-01",
                                          auditKey: KeyedAuditTrailTests.key).run()
        #expect(report.auditEntries == sourceAudit.count)
        var options = PostgreSQLRegistryStore.Options()
        options.auditKey = KeyedAuditTrailTests.key
        let target = try PostgreSQLRegistryStore(conninfo: conninfo, auditChain: "140105-01", options: options)
        defer { try? target.close() }
        let copy = Registry(store: target, clock: fixture.clock, servicePoint: "140105-01")
        _ = try copy.reportLoss(.temporary, fixture.request(1))
        let copied = try copy.history(limit: 100_000)
        #expect(copied.map(\.hash).prefix(sourceAudit.count) == sourceAudit.map(\.hash)[...])
        #expect(copied.allSatisfy { $0.keyed })
        #expect(try copy.verifyAudit().isIntact)
        try fixture.replaceWithEmptyStore()
    }

    @Test func copiesEverythingAndTheCopyServesAndContinuesTheChain() throws {
        let fixture = try Self.populatedSource()
        let schema = try Self.emptySchema()
        defer { Self.dropSchema(schema) }
        let source = try fixture.openStore()
        let sourceRegistry = Registry(store: source, clock: fixture.clock, policy: fixture.policy,
                                      servicePoint: RegistryFixture.servicePoint)
        let sourceAudit = try sourceRegistry.history(limit: 100_000)
        let sourcePending = try sourceRegistry.pendingReleases()
        let sourceCards = try (1...7).map { try sourceRegistry.status(of: RegistryFixture.cardNumber($0)) }
        let sourceApplications = try sourceRegistry.status(of: RegistryFixture.ssn(5)).applications
        try source.close()

        let chain = try RegistryTransfer.servicePoint(ofSQLiteRegistry: fixture.path)
        #expect(chain == RegistryFixture.servicePoint)
        let report = try RegistryTransfer(sourcePath: fixture.path, conninfo: RegistryFixture.conninfo(schema: schema),
                                          chain: chain).run()
        #expect(report.holders == 7 && report.cards == 7 && report.deadlines == 1 && report.chain == chain)
        #expect(report.applications == 8)
        #expect(report.auditEntries == sourceAudit.count)

        let target = try PostgreSQLRegistryStore(conninfo: RegistryFixture.conninfo(schema: schema), auditChain: chain)
        defer { try? target.close() }
        let copy = Registry(store: target, clock: fixture.clock, policy: fixture.policy, servicePoint: chain)
        #expect(try (1...7).map { try copy.status(of: RegistryFixture.cardNumber($0)) } == sourceCards)
        #expect(try copy.status(of: RegistryFixture.ssn(5)).applications == sourceApplications)
        #expect(try copy.status(of: RegistryFixture.ssn(2)).holder.phone == "13800000002")
        #expect(try copy.pendingReleases().map(\.cardNumber) == sourcePending.map(\.cardNumber))
        #expect(try copy.pendingReleases().map(\.deadline) == sourcePending.map(\.deadline))
        let copiedAudit = try copy.history(limit: 100_000)
        #expect(copiedAudit.map(\.hash) == sourceAudit.map(\.hash))
        #expect(copiedAudit.map(\.sequence) == sourceAudit.map(\.sequence))
        #expect(copiedAudit.allSatisfy { $0.chain == chain })
        #expect(copiedAudit.filter { $0.outcome == .refused }.count == 1)

        // The copy is a working registry: the chain continues, new ids follow the copied ones,
        // and the deadline copied releases on time.
        _ = try copy.unlock(fixture.request(3, actor: RegistryFixture.admin))
        let application = try copy.apply(for: Holder(ssn: RegistryFixture.ssn(20), name: try HolderName("赵六")),
                                         evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        #expect(application.id > sourceApplications.map(\.id).max() ?? 0)
        fixture.clock.set(try #require(sourcePending.first?.deadline))
        #expect(try copy.releaseExpiredLosses() == 1)
        let verification = try copy.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.entriesChecked == sourceAudit.count + 3)
        #expect(try target.checkIntegrity().isEmpty)
    }

    @Test func refusesATargetThatIsNotEmptyAndLeavesItAsItWas() throws {
        let fixture = try Self.populatedSource()
        let schema = try Self.emptySchema()
        defer { Self.dropSchema(schema) }
        let conninfo = RegistryFixture.conninfo(schema: schema)
        let first = try RegistryTransfer(sourcePath: fixture.path, conninfo: conninfo, chain: "140105-01").run()
        #expect { try RegistryTransfer(sourcePath: fixture.path, conninfo: conninfo, chain: "140105-02").run() } throws: {
            ($0 as? TransferError) == .targetNotEmpty(table: "holders", rows: 7)
        }
        let count = try RegistryFixture.admin { admin in
            try admin.queryOne("SELECT count(*) FROM \(schema).audit") { $0.int64(0) }
        }
        #expect(count == Int64(first.auditEntries))
    }

    @Test func refusesABrokenSourceBeforeWritingAnything() throws {
        let fixture = try Self.populatedSource()
        try fixture.dropAuditGuards()
        try fixture.raw("UPDATE audit SET reason = 'rewritten' WHERE seq = 3")
        let schema = try Self.emptySchema()
        defer { Self.dropSchema(schema) }
        #expect { try RegistryTransfer(sourcePath: fixture.path, conninfo: RegistryFixture.conninfo(schema: schema),
                                       chain: "140105-01").run() } throws: { error in
            guard case let .sourceUnusable(path, reason) = error as? TransferError else { return false }
            return path == fixture.path && reason.contains("integrity check failed")
        }
        let tables = try RegistryFixture.admin { admin in
            try admin.queryOne("SELECT count(*) FROM pg_tables WHERE schemaname = $1", [.text(schema)]) { $0.int64(0) }
        }
        #expect(tables == 0)
    }

    @Test func theCommandReportsAndMasksThePassword() throws {
        let fixture = try Self.populatedSource()
        let schema = try Self.emptySchema()
        defer { Self.dropSchema(schema) }
        let binary = PCSCRig.productsDirectory + "/sscard-migrate-registry"
        let usage = try Self.run(binary, [fixture.path])
        #expect(usage.code == 2)
        #expect(usage.output.contains("usage: sscard-migrate-registry"))
        let missing = try Self.run(binary, [fixture.directory.path + "/none.sqlite", RegistryFixture.conninfo(schema: schema)])
        #expect(missing.code == 1)
        #expect(missing.output.contains("none.sqlite: no such file"))
        // The rig trusts local connections: the password is not checked, and must not be shown.
        let done = try Self.run(binary, [fixture.path, RegistryFixture.conninfo(schema: schema) + " password=topsecret9"])
        #expect(done.code == 0, "\(done.output)")
        #expect(done.output.contains("copied and verified: 7 holders, 8 applications, 7 cards (1 pending temporary-loss deadlines)"))
        #expect(done.output.contains("in chain \"140105-01\"; both audit trails intact"))
        #expect(done.output.contains("password=********"))
        #expect(!done.output.contains("topsecret9"))
        let again = try Self.run(binary, [fixture.path, RegistryFixture.conninfo(schema: schema)])
        #expect(again.code == 1)
        #expect(again.output.contains("the target registry is not empty"))
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (code: Int32, output: String) {
        try runToEnd(executable, arguments)
    }
}
