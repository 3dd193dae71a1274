import Foundation
import SQLiteStore
import Synchronization

/// Read-only connections handed out one per caller at a time. A connection
/// is used by one thread at a time, so concurrent readers each take their own
/// instead of queueing behind a lock.
final class ConnectionPool: Sendable {
    private struct State {
        var idle: [Connection] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let limit: Int
    private let open: @Sendable () throws -> Connection

    init(limit: Int, open: @escaping @Sendable () throws -> Connection) {
        self.limit = limit
        self.open = open
    }

    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try state.withLock { $0.idle.popLast() } ?? open()
        defer {
            state.withLock { state in
                if !state.closed && state.idle.count < limit { state.idle.append(connection) }
            }
        }
        return try body(connection)
    }

    func closeAll() {
        let connections = state.withLock { state in
            state.closed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for connection in connections { try? connection.close() }
    }
}
