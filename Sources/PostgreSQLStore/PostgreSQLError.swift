import CLibPQ

/// A failed libpq call, as a value the daemon can log and map to a status.
///
/// Like `SQLiteError` it carries the statement text but never the bound
/// values (social security numbers, names): statements bind every value as
/// a parameter.
public struct PostgreSQLError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The server answered with an error; `sqlState` says which.
        case server
        /// The connection broke (server restart, failover, network). The
        /// server rolls back whatever transaction was open on it.
        case connectionLost
        /// No connection could be made, or the pool is waiting out its backoff.
        case unavailable
        /// The call was misused (closed pool, bad parameter).
        case misuse
    }

    public let kind: Kind
    /// The five-character SQLSTATE, e.g. "40001" (serialization failure), "23505" (unique violation).
    public let sqlState: String?
    public let message: String
    public let sql: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, sql: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
    }

    /// Transaction-level conflicts that a retry of the whole transaction resolves:
    /// serialization failure, deadlock, and a unique violation (a concurrent
    /// transaction committed the row this one read as absent).
    public var isRetryableConflict: Bool {
        guard kind == .server, let sqlState else { return false }
        return sqlState == "40001" || sqlState == "40P01" || sqlState == "23505"
    }

    /// The server has no space left for the change (class 53, 53100
    /// `disk_full`): the transaction was rolled back and the same call can
    /// succeed once an administrator frees space.
    public var isDiskFull: Bool { kind == .server && sqlState == "53100" }

    /// Whether the failure means the connection itself can no longer be used.
    public var isConnectionFailure: Bool {
        switch kind {
        case .connectionLost, .unavailable: return true
        case .server:
            // Class 08 (connection exception), 57P01-57P03 (admin shutdown,
            // crash shutdown, cannot connect now).
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
        case .misuse: return false
        }
    }

    public var description: String {
        var text: String
        switch kind {
        case .server: text = "PostgreSQL error \(sqlState ?? "?????"): \(message)"
        case .connectionLost: text = "the registry database connection was lost: \(message)"
        case .unavailable: text = "the registry database is unavailable: \(message)"
        case .misuse: text = "PostgreSQL misuse: \(message)"
        }
        if let sql { text += " [sql: \(sql)]" }
        return text
    }
}
