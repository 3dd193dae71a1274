import PostgreSQLStore
import Registry
import SSCardValues

extension PGValue {
    init(_ value: ColumnValue) {
        switch value {
        case .null: self = .null
        case let .integer(number): self = .integer(number)
        case let .text(text): self = .text(text)
        case let .bytes(bytes): self = .bytes(bytes)
        }
    }
}

extension PGRow: StoredRow {}

/// `RegistryRows` with libpq's value type; audit rows carry their chain first.
enum PGRowDecoding {
    static func card(_ row: PGRow) throws -> CardRecord { try RegistryRows.card(row) }
    static func holder(_ row: PGRow) throws -> Holder { try RegistryRows.holder(row) }
    static func application(_ row: PGRow) throws -> Application { try RegistryRows.application(row) }
    static func auditEntry(_ row: PGRow) throws -> AuditEntry { try RegistryRows.auditEntry(row, chainFirst: true) }
    static func cardValues(_ card: CardRecord) -> [PGValue] { RegistryRows.cardValues(card).map(PGValue.init) }
    static func applicationValues(_ application: Application) -> [PGValue] {
        RegistryRows.applicationValues(application).map(PGValue.init)
    }
    static func auditValues(_ entry: AuditEntry) -> [PGValue] {
        RegistryRows.auditValues(entry, chainFirst: true).map(PGValue.init)
    }
}
