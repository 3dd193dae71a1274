import Foundation
import PostgreSQLStore
@testable import Registry
import RegistryPostgreSQL
import SQLiteStore
import SSCardRig
import SSCardValues
import Testing

/// The engines every registry test runs against: one test body, both engines.
enum RegistryEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }
}

/// A registry on a fresh store of the chosen engine — a real SQLite file in a
/// fresh temporary directory, or a fresh schema in the private PostgreSQL
/// server of this test process (`PostgreSQLRig`) — with a manual clock, and
/// builders that put cards into any lifecycle state.
final class RegistryFixture: @unchecked Sendable {
    let engine: RegistryEngine
    let directory: URL
    /// The SQLite file (SQLite engine only).
    let path: String
    /// The PostgreSQL schema holding this fixture's registry (PostgreSQL engine only).
    let schema: String
    let clock: ManualClock
    var store: any RegistryStore
    var registry: Registry
    let policy: Policy
    /// The audit key the fixture's stores seal with (nil: an unkeyed chain, as before keys).
    var auditKey: AuditKey?

    static let servicePoint = "140105-01"
    static let start = Timestamp(rfc3339: "2026-11-24T02:00:00Z")!
    static let counter = Actor(id: "op-wang", role: .operator, channel: .counter, servicePoint: "140105-01")
    static let admin = Actor(id: "admin-li", role: .admin, channel: .counter, servicePoint: "140105-01")
    static let kiosk = Actor(id: "kiosk-3", role: .kiosk, channel: .kiosk, servicePoint: "140105-01")
    static let idCard = Evidence(document: .idCard)

    init(_ engine: RegistryEngine = .sqlite, policy: Policy = Policy()) throws {
        self.engine = engine
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sscard-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("registry.sqlite").path
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        self.schema = schema
        clock = ManualClock(Self.start)
        self.policy = policy
        if engine == .postgresql {
            try Self.admin { try $0.execute("CREATE SCHEMA \(schema)") }
        }
        store = try Self.openStore(engine, path: path, schema: schema)
        registry = Registry(store: store, clock: clock, policy: policy, servicePoint: Self.servicePoint)
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
        if engine == .postgresql {
            try? Self.admin { try $0.execute("DROP SCHEMA \(schema) CASCADE") }
        }
    }

    /// The conninfo of this fixture's schema; `application_name` lets a test
    /// find (and terminate) the store's server sessions.
    static func conninfo(schema: String) -> String {
        PostgreSQLRig.shared.conninfo + " application_name=\(schema) options='-csearch_path=\(schema)'"
    }
    var conninfo: String { Self.conninfo(schema: schema) }

    /// Runs `body` on a superuser connection to the private server's database.
    @discardableResult
    static func admin<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try PGConnection(conninfo: PostgreSQLRig.shared.conninfo)
        defer { connection.close() }
        return try body(connection)
    }

    static func openStore(_ engine: RegistryEngine, path: String, schema: String,
                          integrityCheck: IntegrityCheck = .bounded,
                          auditChain: String = servicePoint, auditKey: AuditKey? = nil) throws -> any RegistryStore {
        switch engine {
        case .sqlite:
            return try SQLiteRegistryStore(path: path, integrityCheck: integrityCheck, auditKey: auditKey)
        case .postgresql:
            var options = PostgreSQLRegistryStore.Options()
            options.integrityCheck = integrityCheck
            options.auditKey = auditKey
            options.poolSize = 4
            return try PostgreSQLRegistryStore(conninfo: conninfo(schema: schema), auditChain: auditChain,
                                               options: options)
        }
    }

    /// Opens another store on the same registry (another daemon, or a reopen).
    func openStore(integrityCheck: IntegrityCheck = .bounded, auditChain: String = servicePoint) throws -> any RegistryStore {
        try Self.openStore(engine, path: path, schema: schema, integrityCheck: integrityCheck, auditChain: auditChain,
                           auditKey: auditKey)
    }

    /// Closes and opens the registry again, as a daemon restart would.
    func reopen() throws {
        try store.close()
        store = try openStore()
        registry = Registry(store: store, clock: clock, policy: policy, servicePoint: Self.servicePoint)
    }

    /// Replaces the store with one on a fresh, empty registry, so that deinit
    /// can close something after a test left `store` closed or unopenable.
    func replaceWithEmptyStore() throws {
        switch engine {
        case .sqlite:
            store = try SQLiteRegistryStore(path: directory.appendingPathComponent("other.sqlite").path)
        case .postgresql:
            let other = schema + "_other"
            try Self.admin { try $0.execute("CREATE SCHEMA \(other)") }
            defer { try? Self.admin { try $0.execute("DROP SCHEMA \(other) CASCADE") } }
            store = try Self.openStore(.postgresql, path: path, schema: other)
            try store.close()
        }
    }

    /// Runs SQL on the registry behind the store's back, as someone with raw
    /// access to the file or the database would.
    func raw(_ sql: String) throws {
        switch engine {
        case .sqlite:
            let connection = try Connection(path: path)
            defer { try? connection.close() }
            try connection.execute(sql)
        case .postgresql:
            let connection = try PGConnection(conninfo: conninfo)
            defer { connection.close() }
            try connection.execute(sql)
        }
    }

    /// The engine's spelling of a byte-string literal.
    func bytesLiteral(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        return engine == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
    }

    /// Drops the triggers that keep the trail append-only.
    func dropAuditGuards() throws {
        switch engine {
        case .sqlite: try raw("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        case .postgresql: try raw("DROP TRIGGER audit_no_update ON audit; DROP TRIGGER audit_no_delete ON audit;")
        }
    }

    func dropAuditGuard(_ name: String) throws {
        try raw(engine == .sqlite ? "DROP TRIGGER \(name)" : "DROP TRIGGER \(name) ON audit")
    }

    func restoreAuditUpdateGuard() throws {
        switch engine {
        case .sqlite:
            try raw("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;")
        case .postgresql:
            try raw("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        }
    }

    func restoreAuditDeleteGuard() throws {
        switch engine {
        case .sqlite:
            try raw("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'x'); END;")
        case .postgresql:
            try raw("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
        }
    }

    /// Migration identifiers recorded in the registry, in the order applied.
    func appliedMigrations() throws -> [String] {
        switch engine {
        case .sqlite:
            let connection = try Connection(path: path)
            defer { try? connection.close() }
            return try Migrator(RegistrySchema.migrations).appliedIdentifiers(connection)
        case .postgresql:
            return try (store as! PostgreSQLRegistryStore).appliedMigrations()
        }
    }

    /// The engine's full check: empty means intact.
    func checkIntegrity() throws -> [String] {
        switch engine {
        case .sqlite: return try (store as! SQLiteRegistryStore).checkIntegrity()
        case .postgresql: return try (store as! PostgreSQLRegistryStore).checkIntegrity()
        }
    }

    /// The n-th valid adult social security number (born 1980-01-01 + n days within a year).
    static func ssn(_ n: Int) -> SocialSecurityNumber {
        let body = "140105" + "1980" + String(format: "%02d%02d", n / 28 % 12 + 1, n % 28 + 1) + String(format: "%03d", n % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return try! SocialSecurityNumber(body + String(Array("10X98765432")[sum % 11]))
    }

    static func cardNumber(_ n: Int) -> CardNumber {
        try! CardNumber.withCheckCharacter(body: "A" + String(format: "%07d", n))
    }

    static func cardId(_ n: Int) -> CardIdentificationCode {
        try! CardIdentificationCode("140105D156000005" + String(format: "%016X", n))
    }

    /// A holder with a produced application and a bound, issued card.
    @discardableResult
    func issuedCard(_ n: Int, name: String = "张三") throws -> CardRecord {
        let holder = Holder(ssn: Self.ssn(n), name: try HolderName(name))
        let application = try registry.apply(for: holder, evidence: Self.idCard, actor: Self.counter)
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try registry.advance(applicationId: application.id, to: stage, actor: Self.admin)
        }
        return try registry.bind(applicationId: application.id,
                                 chip: ChipIdentity(cardNumber: Self.cardNumber(n), cardId: Self.cardId(n),
                                                    ssn: holder.ssn),
                                 actor: Self.counter, evidence: Self.idCard)
    }

    func request(_ n: Int, actor: Actor = RegistryFixture.counter, evidence: Evidence = RegistryFixture.idCard,
                 reason: String? = "holder's request") -> CardRequest {
        // A cancellation names its reason kind; the holder's own request fits every table row.
        CardRequest(cardNumber: Self.cardNumber(n), actor: actor, evidence: evidence, reason: reason,
                    cancellationReason: .holderRequest)
    }

    /// A card brought to `state` by the shortest path of real operations.
    @discardableResult
    func card(_ n: Int, in state: CardState) throws -> CardRecord {
        var card = try issuedCard(n)
        let path: [CardOperation]
        switch state {
        case .issued: path = []
        case .active: path = [.activate]
        case .locked: path = [.activate, .lock]
        case .temporarilyLost: path = [.activate, .reportTemporaryLoss]
        case .formallyLost: path = [.activate, .reportFormalLoss]
        case .sealed: path = [.activate, .seal]
        case .cancelled: path = [.cancel]
        }
        for operation in path {
            card = try registry.perform(operation, request(n, actor: Self.admin))
        }
        return card
    }
}
