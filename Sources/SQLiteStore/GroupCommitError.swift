/// Refusals by `GroupCommit` itself (SQLite failures arrive as `SQLiteError`).
public enum GroupCommitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `close()` was called; no more writes are accepted.
    case closed
    /// `write` was called from inside a write closure, which would wait for
    /// the very batch it is part of and deadlock. Use `savepoint` instead.
    case reentrantWrite
    /// A closure ended the batch's transaction (COMMIT/ROLLBACK/BEGIN by hand).
    case transactionEnded

    public var description: String {
        switch self {
        case .closed: return "group commit is closed"
        case .reentrantWrite: return "write called from inside a write closure"
        case .transactionEnded: return "a write closure ended the shared transaction"
        }
    }
}
