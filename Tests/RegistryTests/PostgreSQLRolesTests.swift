import Foundation
import Testing
@testable import Registry
import PostgreSQLStore
import RegistryPostgreSQL
import SSCardRig
import SSCardValues

/// docs/scale.md, "Roles: owner and runtime", on the private server: the
/// owner role migrates, the daemon's runtime role works with the grants the
/// document lists, and cannot alter or disable the audit triggers.
@Suite struct PostgreSQLRolesTests {
    @Test func theRuntimeRoleServesButCannotDisableTheAuditTriggers() throws {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let owner = "sscard_owner_\(suffix)", runtime = "sscardd_\(suffix)", schema = "roles_\(suffix)"
        try RegistryFixture.admin { admin in
            try admin.execute("CREATE ROLE \(owner) LOGIN; CREATE ROLE \(runtime) LOGIN; "
                                  + "CREATE SCHEMA \(schema) AUTHORIZATION \(owner)")
        }
        defer {
            try? RegistryFixture.admin { admin in
                try admin.execute("DROP SCHEMA \(schema) CASCADE; DROP ROLE \(runtime); DROP ROLE \(owner)")
            }
        }
        let base = PostgreSQLRig.shared.conninfo + " options='-csearch_path=\(schema)'"
        let applied = try PostgreSQLRegistryStore.migrate(conninfo: base + " user=\(owner)")
        #expect(applied == ["0001-registry", "0002-audit-keyed", "0003-counter-services", "0004-application-channel", "0005-chip-blocked", "0006-production-batches", "0007-report-indexes", "0008-batch-seal"])
        // The grants docs/scale.md gives, run by the owner.
        let ownerConnection = try PGConnection(conninfo: base + " user=\(owner)")
        try ownerConnection.execute(Self.grants(schema: schema, runtime: runtime))
        ownerConnection.close()

        var options = PostgreSQLRegistryStore.Options()
        options.poolSize = 2
        options.auditKey = KeyedAuditTrailTests.key
        let store = try PostgreSQLRegistryStore(conninfo: base + " user=\(runtime)", auditChain: "roles-01",
                                                options: options)
        defer { try? store.close() }
        let registry = Registry(store: store, clock: ManualClock(RegistryFixture.start), servicePoint: "roles-01")
        let ssn = RegistryFixture.ssn(1)
        let application = try registry.apply(for: Holder(ssn: ssn, name: HolderName(storedValue: "张三")),
                                             evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        #expect(application.id > 0)
        #expect(try registry.verifyAudit().isIntact)

        let runtimeConnection = try PGConnection(conninfo: base + " user=\(runtime)")
        defer { runtimeConnection.close() }
        for statement in ["ALTER TABLE audit DISABLE TRIGGER audit_no_delete", "ALTER TABLE audit DISABLE TRIGGER ALL",
                          "DROP TRIGGER audit_no_update ON audit", "DELETE FROM audit", "TRUNCATE audit",
                          "UPDATE audit SET reason = 'forged'"] {
            #expect(throws: (any Error).self, "\(statement)") { try runtimeConnection.execute(statement) }
        }
        #expect(try registry.verifyAudit().isIntact)
    }

    /// Kept in step with docs/scale.md, "Roles: owner and runtime".
    static func grants(schema: String, runtime: String) -> String {
        """
        GRANT USAGE ON SCHEMA \(schema) TO \(runtime);
        GRANT SELECT ON schema_migrations TO \(runtime);
        GRANT SELECT, INSERT, UPDATE ON holders, applications, cards, audit_chains TO \(runtime);
        GRANT SELECT, INSERT ON audit TO \(runtime);
        GRANT SELECT, INSERT ON production_batches, produced_cards TO \(runtime);
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(schema) TO \(runtime);
        """
    }
}
