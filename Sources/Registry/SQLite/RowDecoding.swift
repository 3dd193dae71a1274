import SQLiteStore
import SSCardValues

extension SQLiteValue {
    static func optionalText(_ text: String?) -> SQLiteValue { text.map(SQLiteValue.text) ?? .null }
    static func optionalInteger(_ value: Int64?) -> SQLiteValue { value.map(SQLiteValue.integer) ?? .null }

    init(_ value: ColumnValue) {
        switch value {
        case .null: self = .null
        case let .integer(number): self = .integer(number)
        case let .text(text): self = .text(text)
        case let .bytes(bytes): self = .blob(bytes)
        }
    }
}

extension Row: StoredRow {
    public func bytes(_ column: Int) -> [UInt8]? { blob(column) }
}

/// `RegistryRows` with SQLite's value type.
enum RowDecoding {
    static func card(_ row: Row) throws -> CardRecord { try RegistryRows.card(row) }
    static func holder(_ row: Row) throws -> Holder { try RegistryRows.holder(row) }
    static func application(_ row: Row) throws -> Application { try RegistryRows.application(row) }
    static func auditEntry(_ row: Row) throws -> AuditEntry { try RegistryRows.auditEntry(row) }
    static func cardValues(_ card: CardRecord) -> [SQLiteValue] { RegistryRows.cardValues(card).map(SQLiteValue.init) }
    static func applicationValues(_ application: Application) -> [SQLiteValue] {
        RegistryRows.applicationValues(application).map(SQLiteValue.init)
    }
    static func auditValues(_ entry: AuditEntry) -> [SQLiteValue] { RegistryRows.auditValues(entry).map(SQLiteValue.init) }
}
