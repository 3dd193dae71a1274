/// How a transaction takes its locks.
///
/// `.immediate` is the default because a deferred transaction that reads and
/// then writes can fail with `.busy` at once (SQLite cannot wait out that
/// deadlock), while an immediate one takes the write lock up front and
/// simply waits for the busy timeout.
public enum TransactionKind: String, Sendable {
    case deferred = "DEFERRED"
    case immediate = "IMMEDIATE"
    case exclusive = "EXCLUSIVE"
}
