import CSQLite

/// A failed SQLite call, as a value the daemon can log and map to a status.
///
/// It carries the statement text so a log line says *which* query failed, but
/// never the bound values: those are social security numbers, names and the
/// like. (SQL built by string interpolation of personal data would defeat
/// this; the store only ever binds values as parameters.)
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The primary result code: what callers match on (`.full`, `.busy`, `.constraint`, …).
    public let code: ResultCode
    /// The extended result code (e.g. 2067 for a UNIQUE violation); equals `code` when there is none.
    public let extendedCode: ResultCode
    /// `sqlite3_errmsg` at the time of the failure, or the store's own explanation.
    public let message: String
    /// The statement being prepared or run, if any.
    public let sql: String?

    public init(code: ResultCode, extendedCode: ResultCode? = nil, message: String, sql: String? = nil) {
        self.code = code.primary
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql
    }

    /// Reads the message from the connection right after a failed call, before
    /// anything else can overwrite it.
    init(resultCode: Int32, database: OpaquePointer?, sql: String?) {
        let message: String
        if let database, let text = sqlite3_errmsg(database) {
            message = String(cString: text)
        } else {
            message = String(cString: sqlite3_errstr(resultCode))
        }
        self.init(code: ResultCode(resultCode), message: message, sql: sql)
    }

    /// Errors the store raises itself for misuse (wrong parameter count, closed connection…).
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(code: .misuse, message: message, sql: sql)
    }

    public var description: String {
        var text = "SQLite error \(extendedCode.rawValue) (\(String(cString: sqlite3_errstr(code.rawValue)))): \(message)"
        if let sql { text += " [sql: \(sql)]" }
        return text
    }
}
