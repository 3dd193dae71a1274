import Foundation
import Glibc

/// A private PgBouncer in front of a private PostgreSQL server
/// (`PostgreSQLRig.shared` unless told otherwise), for the tests of sscardd
/// behind a transaction pooler.
///
/// Debian's `pgbouncer` package (1.18 in Debian 12) provides the binary. It
/// runs in the foreground with a configuration of its own in a fresh
/// temporary directory, on a Unix socket there (`listen_addr` empty: no TCP
/// listener), so parallel runs and a system pgbouncer never collide. Every
/// database name is forwarded to the server (the `*` fallback entry), so a
/// test's fresh database needs no configuration here. Clients are trusted
/// over the socket, as the rig's server trusts its own (`initdb -A trust`);
/// PgBouncer still wants the user in its `auth_file`. PgBouncer refuses to
/// run as root, so it runs as the same unprivileged user as the server
/// (`PostgreSQLPrograms`). It stops with this object and dies with the
/// test process.
///
/// With `log_connections` on (the default), each client login and each new
/// server connection is a line of its output: `clientLogins` and
/// `serverConnections` count them, which shows how many clients were
/// multiplexed onto how few server sessions.
public final class PgBouncerRig: @unchecked Sendable {
    public let directory: String
    public let port = 6432
    /// `pool_mode`: `transaction` (what the tests are about) or `session`.
    public let poolMode: String
    /// Server connections per database and user (`default_pool_size`).
    public let poolSize: Int
    public let user: String
    /// PgBouncer's process; its output is PgBouncer's log.
    public let process: ChildProcess

    /// Writes the configuration, starts PgBouncer and returns once it listens.
    public init(poolMode: String = "transaction", poolSize: Int = 2, server: PostgreSQLRig = .shared) throws {
        let programs = try PostgreSQLPrograms()
        self.poolMode = poolMode
        self.poolSize = poolSize
        user = server.superuser
        directory = NSTemporaryDirectory() + "sscard-pgbouncer-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try programs.makeDirectory(directory)
        // The server's user, unauthenticated (auth_type = trust) but listed, as PgBouncer requires.
        try "\"\(user)\" \"\"\n".write(toFile: directory + "/userlist.txt", atomically: true, encoding: .utf8)
        let configuration = """
            [databases]
            * = host=\(server.directory) port=\(server.port)

            [pgbouncer]
            listen_addr =
            listen_port = \(port)
            unix_socket_dir = \(directory)
            auth_type = trust
            auth_file = \(directory)/userlist.txt
            pool_mode = \(poolMode)
            default_pool_size = \(poolSize)
            min_pool_size = 0
            reserve_pool_size = 0
            max_client_conn = 500
            logfile =
            pidfile =
            """
        try configuration.write(toFile: directory + "/pgbouncer.ini", atomically: true, encoding: .utf8)
        if let owner = programs.runAs {
            for file in ["userlist.txt", "pgbouncer.ini"] { chown(directory + "/" + file, owner.uid, owner.gid) }
        }
        let binary = ProcessInfo.processInfo.environment["SSCARD_PGBOUNCER"] ?? "/usr/sbin/pgbouncer"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw RigError.missing("pgbouncer (apt-get install pgbouncer)")
        }
        // Death signal KILL, not the rigs' TERM, which PgBouncer never sees (see `stop`).
        let process = try programs.spawn(executable: "/usr/bin/setpriv", name: "pgbouncer",
                                         ["--pdeathsig", "KILL", binary, directory + "/pgbouncer.ini"],
                                         log: directory + "/pgbouncer.log")
        self.process = process
        _ = try process.waitForLine(containing: "process up", timeout: 30)
    }

    /// libpq connection parameters for `database` through PgBouncer.
    public func conninfo(database: String) -> String {
        "host=\(directory) port=\(port) user=\(user) dbname=\(database)"
    }

    /// Client logins PgBouncer accepted for `database` so far.
    public func clientLogins(database: String) -> Int {
        output.filter { $0.contains("login attempt: db=\(database) ") }.count
    }

    /// Server connections PgBouncer made for `database` so far.
    public func serverConnections(database: String) -> Int {
        output.filter { $0.contains(" \(database)/\(user)@") && $0.contains("new connection to server") }.count
    }

    /// PgBouncer's log lines so far.
    public var output: [String] { process.output }

    /// Stops PgBouncer. SIGKILL: it inherits the spawning thread's blocked
    /// signals and, unlike postgres, does not unblock them, so its own
    /// shutdown signals (SIGINT, SIGTERM) never arrive. Its sockets close with
    /// it, and the server ends the sessions it held.
    public func stop() {
        process.terminate(signal: SIGKILL)
    }

    deinit {
        stop()
        if ProcessInfo.processInfo.environment["SSCARD_KEEP_RIG"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
