import Foundation
import PostgreSQLStore
@testable import Registry
@testable import RegistryPostgreSQL
import SQLiteStore
import SSCardValues
import Testing

/// Migration 0003 (counter services) on a registry written before it, on both
/// engines: every row survives, with the meaning it had — generation unknown,
/// the bank function not recorded as opened, charged fees as paid and free
/// ones as free, no pending name change.
@Suite struct CounterServicesMigrationTests {
    static let rows = """
        INSERT INTO holders (ssn, name, created_at, updated_at) VALUES ('14010519800101001X', '王五', 1, 1);
        INSERT INTO applications (id, ssn, kind, stage, fee_fen, card_number, created_at, updated_at)
            VALUES (1, '14010519800101001X', 'first', 'delivered', 0, 'A00000011', 1, 1);
        INSERT INTO applications (id, ssn, kind, replaces_card, replacement_reason, stage, fee_fen, created_at, updated_at)
            VALUES (2, '14010519800101001X', 'replacement', 'A00000011', 'damaged', 'accepted', 1800, 2, 2);
        INSERT INTO cards (card_number, card_id, ssn, application_id, state, previous_state, updated_at)
            VALUES ('A00000011', '140105D1560000050000000000000001', '14010519800101001X', 1, 'formallyLost', 'active', 3);
        """

    @Test(arguments: RegistryEngine.allCases)
    func rowsWrittenBeforeTheMigrationKeepTheirMeaning(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.store.close()
        switch engine {
        case .sqlite:
            try FileManager.default.removeItem(atPath: fixture.path)
            let connection = try Connection(path: fixture.path)
            _ = try Migrator(Array(RegistrySchema.migrations.prefix(2))).migrate(connection)
            try connection.execute(Self.rows)
            try connection.close()
        case .postgresql:
            try fixture.raw("DROP SCHEMA \(fixture.schema) CASCADE; CREATE SCHEMA \(fixture.schema);")
            let connection = try PGConnection(conninfo: fixture.conninfo)
            defer { connection.close() }
            try connection.execute("CREATE TABLE schema_migrations (id TEXT PRIMARY KEY NOT NULL, "
                                   + "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            for migration in PostgreSQLRegistrySchema.migrations.prefix(2) {
                try connection.execute(migration.sql)
                try connection.query("INSERT INTO schema_migrations (id) VALUES ($1)", [.text(migration.id)])
            }
            try connection.execute(Self.rows)
        }
        fixture.store = try fixture.openStore()
        fixture.registry = Registry(store: fixture.store, clock: fixture.clock, servicePoint: RegistryFixture.servicePoint)
        #expect(try fixture.appliedMigrations() == ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel",
                                                       "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"])

        let holder = try fixture.registry.status(of: SocialSecurityNumber(storedValue: "14010519800101001X"))
        #expect(holder.holder.name.rawValue == "王五")
        let card = try #require(holder.cards.first)
        #expect(card.state == .formallyLost && card.previousState == .active)
        #expect(card.generation == nil && card.bankFunction == .notOpened)
        // 0005: a card written before it was never blocked on the chip by sscard.
        #expect(!card.chipBlocked)
        #expect(holder.applications.map(\.feeSettlement) == [.free, .paid])
        #expect(holder.applications.map(\.feeFen) == [0, 1800])
        #expect(holder.applications.allSatisfy { $0.newName == nil })
        #expect(HolderInvariants.violations(cards: holder.cards, applications: holder.applications) == [])
        // The migrated card goes on: the open replacement is bound and supersedes it.
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try fixture.registry.advance(applicationId: 2, to: stage, actor: RegistryFixture.admin)
        }
        let new = try fixture.registry.bind(applicationId: 2, chip: ChipIdentity(
            cardNumber: RegistryFixture.cardNumber(2), cardId: RegistryFixture.cardId(2),
            ssn: card.ssn, generation: 3), actor: RegistryFixture.counter)
        #expect(new.generation == 3)
        #expect(try fixture.registry.status(of: card.cardNumber).card.state == .cancelled)
    }
}
