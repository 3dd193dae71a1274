import Foundation
import Synchronization

/// Connections to one PostgreSQL database, handed out one caller at a time,
/// with reconnection after a lost connection.
///
/// Faults: a connection that breaks in the middle of a call fails that call
/// with `.connectionLost` (the server rolls back its open transaction, so
/// nothing is half applied), is dropped, and so are all idle connections made
/// before it broke (after a server restart or a failover they are all dead).
/// New connections are made on demand; after a failed attempt the pool
/// waits out an exponential backoff (`minimumBackoff` doubling up to
/// `maximumBackoff`, with jitter), and calls in the meantime fail at once
/// with `.unavailable` instead of piling up on a dead server. Once the
/// server is known unreachable, one caller at a time probes it: while that
/// attempt is under way (it may wait out `connect_timeout`), the others fail
/// at once too, so a pool never storms a recovering or failing-over server
/// with one connection attempt per worker. The first successful connection
/// resets the backoff: the daemon serves again without a restart. Failover to a promoted replica is such a reconnect,
/// given a conninfo that lists the hosts (`host=a,b target_session_attrs=read-write`).
public final class PGPool: Sendable {
    public enum Isolation: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    public let conninfo: String
    /// Whether the pool's connections prepare their statements (false behind
    /// PgBouncer in transaction mode: see `PGConnection.preparesStatements`).
    public let preparesStatements: Bool
    private let limit: Int
    private let minimumBackoff: TimeInterval
    private let maximumBackoff: TimeInterval
    private let state = Mutex(State())

    /// Everything the callers share, behind one lock.
    private struct State {
        var idle: [(connection: PGConnection, generation: Int)] = []
        var generation = 0
        var failures = 0
        var retryAt: Date?
        var lastFailure = ""
        /// A connection attempt after failures is under way (the single probe).
        var probing = false
        var attempts = 0
        var closed = false
        var availabilityObserver: (@Sendable (Availability) -> Void)?
    }

    /// A change between reaching the server and not reaching it.
    public enum Availability: Sendable, Equatable {
        /// A connection was made after one or more failed attempts.
        case available
        /// A connection attempt failed after the last one succeeded (or at the first attempt).
        case unavailable(String)
    }

    public init(conninfo: String, limit: Int = 8, minimumBackoff: TimeInterval = 0.05,
                maximumBackoff: TimeInterval = 5, preparesStatements: Bool = true) {
        self.conninfo = conninfo
        self.preparesStatements = preparesStatements
        self.limit = limit
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// How many connection attempts have failed in a row (0 when connected).
    public var consecutiveFailures: Int { state.withLock { $0.failures } }

    /// Connection attempts made so far, successful or not (for tests and health).
    public var connectionAttempts: Int { state.withLock { $0.attempts } }

    /// Calls `observer` on every change of availability, on the thread that
    /// noticed it (for the daemon's log and health); replaces the previous observer.
    public func observeAvailability(_ observer: @escaping @Sendable (Availability) -> Void) {
        state.withLock { $0.availabilityObserver = observer }
    }

    /// Makes one connection now, or throws why not (used at start to fail fast).
    public func checkConnection() throws {
        try withConnection { _ in }
    }

    private func take() throws -> (PGConnection, Int, Bool) {
        var probe = false
        let (reused, current): ((PGConnection, Int)?, Int) = try state.withLock { state in
            guard !state.closed else { throw PostgreSQLError(kind: .misuse, message: "the connection pool is closed") }
            while let candidate = state.idle.popLast() {
                if candidate.generation == state.generation && candidate.connection.isUsable {
                    return ((candidate.connection, candidate.generation), state.generation)
                }
                candidate.connection.close()
            }
            if let retryAt = state.retryAt, retryAt > Date() {
                let wait = String(format: "%.2f", retryAt.timeIntervalSinceNow)
                throw PostgreSQLError(kind: .unavailable,
                                      message: "reconnecting (next attempt in \(wait) s); last failure: \(state.lastFailure)")
            }
            if state.failures > 0 {
                guard !state.probing else {
                    throw PostgreSQLError(kind: .unavailable,
                                          message: "reconnecting (an attempt is under way); last failure: \(state.lastFailure)")
                }
                state.probing = true
                probe = true
            }
            state.attempts += 1
            return (nil, state.generation)
        }
        if let reused { return (reused.0, reused.1, true) }
        do {
            let connection = try PGConnection(conninfo: conninfo, preparesStatements: preparesStatements)
            let wasProbe = probe
            let observer = state.withLock { state -> (@Sendable (Availability) -> Void)? in
                defer {
                    state.failures = 0
                    state.retryAt = nil
                    if wasProbe { state.probing = false }
                }
                return state.failures > 0 ? state.availabilityObserver : nil
            }
            observer?(.available)
            return (connection, current, false)
        } catch {
            let wasProbe = probe
            let (minimumBackoff, maximumBackoff) = (self.minimumBackoff, self.maximumBackoff)
            let observer = state.withLock { state -> (@Sendable (Availability) -> Void)? in
                state.failures += 1
                let delay = min(maximumBackoff, minimumBackoff * pow(2, Double(min(state.failures - 1, 20))))
                state.retryAt = Date().addingTimeInterval(delay * Double.random(in: 0.5...1.0))
                state.lastFailure = error.message
                if wasProbe { state.probing = false }
                return state.failures == 1 ? state.availabilityObserver : nil
            }
            observer?(.unavailable(error.message))
            throw error
        }
    }

    private func giveBack(_ connection: PGConnection, generation taken: Int) {
        let limit = self.limit
        state.withLock { state in
            if connection.isBroken || !connection.isUsable {
                // Everything connected before this break is suspect: drop it.
                if taken == state.generation { state.generation += 1 }
                connection.close()
                for entry in state.idle { entry.connection.close() }
                state.idle.removeAll()
            } else if !state.closed && state.idle.count < limit && taken == state.generation {
                state.idle.append((connection, taken))
            } else {
                connection.close()
            }
        }
    }

    /// Runs `body` with a connection of its own. With `idempotent` (reads), a
    /// reused idle connection found dead is replaced once by a fresh one and
    /// `body` runs again; otherwise the lost connection is the call's error.
    public func withConnection<T>(idempotent: Bool = false, _ body: (PGConnection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let (connection, taken, reused) = try take()
            defer { giveBack(connection, generation: taken) }
            do {
                return try body(connection)
            } catch let stale as StaleConnection {
                if reused && attempt == 1 { continue }
                throw stale.error
            } catch let error as PostgreSQLError where error.kind == .connectionLost && idempotent && reused
                && attempt == 1 {
                continue
            }
        }
    }

    /// Runs `body` in one transaction: COMMIT after it returns, ROLLBACK if it throws.
    /// A lost connection fails the call with `.connectionLost` (the server
    /// rolls the transaction back); if it was lost during COMMIT the outcome
    /// is unknown to the client, and the error says so. A reused connection
    /// that is dead before BEGIN reached the server is replaced silently.
    public func transaction<T>(_ isolation: Isolation = .readCommitted, readOnly: Bool = false,
                               _ body: (PGConnection) throws -> T) throws -> T {
        try withConnection { connection in
            do {
                try connection.execute("BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")")
            } catch let error as PostgreSQLError where error.isConnectionFailure {
                throw StaleConnection(error: error)
            }
            let value: T
            do {
                value = try body(connection)
            } catch {
                if connection.isUsable { try? connection.execute("ROLLBACK") }
                throw error
            }
            do {
                try connection.execute("COMMIT")
            } catch let error as PostgreSQLError where error.isConnectionFailure {
                // Lost, or ended by the server (57P01 at an immediate shutdown):
                // the commit may have become durable before the answer was lost.
                throw PostgreSQLError(kind: .connectionLost, sqlState: error.sqlState,
                                      message: "lost during COMMIT: the change may or may not have been applied; "
                                          + "read it back (\(error.message))", sql: "COMMIT")
            }
            return value
        }
    }

    public func close() {
        state.withLock { state in
            state.closed = true
            for entry in state.idle { entry.connection.close() }
            state.idle.removeAll()
        }
    }
}

/// BEGIN failed because the connection was already dead: nothing reached the server.
struct StaleConnection: Error {
    let error: PostgreSQLError
}
