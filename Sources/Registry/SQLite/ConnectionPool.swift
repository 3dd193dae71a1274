import Foundation
import SQLiteStore

/// Read-only connections handed out one per caller at a time. A connection
/// is used by one thread at a time, so concurrent readers each take their own
/// instead of queueing behind a lock.
final class ConnectionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [Connection] = []
    private let limit: Int
    private let open: () throws -> Connection
    private var closed = false

    init(limit: Int, open: @escaping () throws -> Connection) {
        self.limit = limit
        self.open = open
    }

    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try lock.withLock { idle.popLast() } ?? open()
        defer {
            lock.withLock {
                if !closed && idle.count < limit { idle.append(connection) }
            }
        }
        return try body(connection)
    }

    func closeAll() {
        let connections = lock.withLock {
            closed = true
            defer { idle.removeAll() }
            return idle
        }
        for connection in connections { try? connection.close() }
    }
}
