import Foundation
import Glibc

/// A private primary and a streaming standby of it, for failover tests: two
/// servers of their own, apart from `PostgreSQLRig.shared`, so that stopping
/// the primary and promoting the standby disturbs no other test.
///
/// Each server has its own data directory and its own socket directory and
/// port, as two hosts would (`host=primary,standby port=5432,5433` in a
/// libpq conninfo). The standby is made with `pg_basebackup -R` over the
/// primary's Unix socket (initdb's `trust` for local replication connections;
/// the superuser may replicate), so it streams WAL from the primary and
/// serves read-only sessions until promoted. Unlike the shared rig, commits
/// are acknowledged only once written locally (`synchronous_commit=on`);
/// `fsync=off` still, since no machine crash is simulated. Both servers die
/// with the test process and with this object.
public final class PostgreSQLReplicaPair: @unchecked Sendable {
    /// One of the two servers.
    public enum Server: String, Sendable { case primary, standby }

    public let directory: String
    public let superuser = "sscard"
    private let programs: PostgreSQLPrograms
    private var servers: [Server: ChildProcess] = [:]
    private var starts = 0
    private let lock = NSLock()

    /// Makes the primary (initdb), starts it, clones the standby from it and
    /// starts the standby; returns once the standby streams from the primary.
    public init() throws {
        programs = try PostgreSQLPrograms()
        directory = NSTemporaryDirectory() + "sscard-pg-pair-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try programs.makeDirectory(directory)
        for server in [Server.primary, .standby] { try programs.makeDirectory(socketDirectory(server)) }
        try programs.run("initdb", ["-D", dataDirectory(.primary), "-U", superuser, "-A", "trust", "-E", "UTF8",
                                    "--locale=C", "--no-sync", "--no-instructions"])
        try start(.primary)
        // -R: standby.signal and primary_conninfo (this socket, this user); -X stream: the WAL
        // written during the copy comes along, so the standby starts consistent.
        try programs.run("pg_basebackup", ["-D", dataDirectory(.standby), "-R", "-X", "stream", "-c", "fast", "--no-sync",
                                           "-h", socketDirectory(.primary), "-p", String(port(.primary)), "-U", superuser])
        let standby = try start(.standby)
        try standby.waitForLine(containing: "started streaming WAL from primary", timeout: 60)
    }

    public func port(_ server: Server) -> Int { server == .primary ? 5432 : 5433 }
    public func socketDirectory(_ server: Server) -> String { "\(directory)/\(server.rawValue)" }
    public func dataDirectory(_ server: Server) -> String { "\(directory)/\(server.rawValue)/data" }

    /// A conninfo for `database` on one server.
    public func conninfo(_ server: Server, database: String = "postgres") -> String {
        "host=\(socketDirectory(server)) port=\(port(server)) user=\(superuser) dbname=\(database)"
    }

    /// A conninfo for `database` that lists both servers and takes whichever
    /// accepts writes: what a daemon is given for failover.
    public func failoverConninfo(database: String) -> String {
        "host=\(socketDirectory(.primary)),\(socketDirectory(.standby)) port=\(port(.primary)),\(port(.standby)) "
            + "user=\(superuser) dbname=\(database) target_session_attrs=read-write"
    }

    /// The server's process, while it runs (its output holds the server log).
    public func process(_ server: Server) -> ChildProcess? { lock.withLock { servers[server] } }

    /// Starts a server and returns once it accepts connections (a standby:
    /// read-only ones).
    @discardableResult
    private func start(_ server: Server) throws -> ChildProcess {
        try lock.withLock {
            starts += 1
            let process = try programs.spawn("postgres", [
                "-D", dataDirectory(server), "-k", socketDirectory(server), "-p", String(port(server)),
                "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=on",
                "-c", "max_connections=100", "-c", "shared_buffers=32MB", "-c", "cluster_name=\(server.rawValue)",
            ], log: "\(directory)/\(server.rawValue)-\(starts).log")
            _ = try process.waitForLine(containing: "ready to accept", timeout: 60)
            servers[server] = process
            return process
        }
    }

    /// Stops a server at once (SIGQUIT: immediate shutdown, no checkpoint),
    /// as a crash of its host looks to its clients.
    public func stop(_ server: Server) {
        let process = lock.withLock { servers.removeValue(forKey: server) }
        process?.terminate(signal: SIGQUIT)
    }

    /// Promotes the standby (`pg_ctl promote --wait`): returns once it has
    /// left recovery and accepts writes.
    public func promoteStandby() throws {
        try programs.run("pg_ctl", ["promote", "-D", dataDirectory(.standby), "-w", "-t", "60"])
    }

    deinit {
        // Immediate shutdown: a smart one (SIGTERM) would wait for clients that may still be connected.
        stop(.primary)
        stop(.standby)
        if ProcessInfo.processInfo.environment["SSCARD_KEEP_RIG"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
