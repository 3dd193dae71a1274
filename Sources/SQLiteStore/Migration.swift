/// One schema step, identified by a stable id that is recorded once applied.
/// Ids are compared, never parsed, so any naming scheme works as long as an
/// id is never reused for different SQL.
public struct Migration: Sendable {
    public let id: String
    /// Script run with `execute` (may hold several statements); empty for closure-only steps.
    public let sql: String
    /// Runs after `sql`, for steps that need to compute something (data backfills).
    let body: (@Sendable (Connection) throws -> Void)?

    public init(id: String, sql: String) {
        self.id = id
        self.sql = sql
        self.body = nil
    }

    public init(id: String, sql: String = "", _ body: @escaping @Sendable (Connection) throws -> Void) {
        self.id = id
        self.sql = sql
        self.body = body
    }

    func apply(to connection: Connection) throws {
        if !sql.isEmpty { try connection.execute(sql) }
        try body?(connection)
    }
}
