import Foundation
import Glibc

/// A private PostgreSQL server, one per test process, like `PCSCRig` for pcscd.
///
/// Debian's `postgresql` package provides the binaries; `initdb` makes a
/// cluster in a fresh temporary directory and `postgres` runs in the
/// foreground on a Unix socket in that directory, with no TCP listener
/// (`listen_addresses=''`), so parallel runs and a system cluster never
/// collide. PostgreSQL refuses to run as root: under root both run as the
/// unprivileged `postgres` user (made by the package), or `nobody`.
/// Durability is switched off (`fsync=off`): these tests check behaviour,
/// not crash survival, and a per-test schema is then cheap.
public final class PostgreSQLRig: @unchecked Sendable {
    public static let shared: PostgreSQLRig = {
        do { return try PostgreSQLRig() } catch { fatalError("cannot start the PostgreSQL rig: \(error)") }
    }()

    public let directory: String
    public let port = 5432
    public let superuser = "sscard"
    public private(set) var server: ChildProcess?
    private let programs: PostgreSQLPrograms
    private var starts = 0
    private let lock = NSLock()

    /// The user the server runs as when the tests run as root (nil otherwise):
    /// what a tablespace directory made by a test must belong to.
    public var serverOwner: (uid: uid_t, gid: gid_t)? { programs.runAs }

    /// libpq connection parameters for database `postgres` as the superuser.
    public var conninfo: String { "host=\(directory) port=\(port) user=\(superuser) dbname=postgres" }

    /// The newest /usr/lib/postgresql/N/bin, or $SSCARD_PG_BIN.
    public static func findBinaries() throws -> String { try PostgreSQLPrograms.findBinaries() }

    private init() throws {
        programs = try PostgreSQLPrograms()
        directory = NSTemporaryDirectory() + "sscard-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try programs.makeDirectory(directory)
        let initdb = try programs.spawn("initdb", ["-D", directory + "/data", "-U", superuser, "-A", "trust", "-E", "UTF8",
                                                   "--locale=C", "--no-sync", "--no-instructions"])
        let status = initdb.waitForExit()
        guard status == 0 else {
            throw RigError.exited("initdb", initdb.output.suffix(5).joined(separator: " | "))
        }
        if ProcessInfo.processInfo.environment["SSCARD_KEEP_RIG"] == nil {
            atexit { try? FileManager.default.removeItem(atPath: PostgreSQLRig.shared.directory) }
        }
        try start()
        // Registered after the server exists, so it runs before ChildProcess's
        // SIGKILL handler: an immediate shutdown takes the backends along.
        atexit { PostgreSQLRig.shared.server?.terminate(signal: SIGQUIT) }
    }

    /// Starts the server and returns once it accepts connections.
    public func start() throws {
        try lock.withLock {
            starts += 1
            let server = try programs.spawn("postgres", [
                "-D", directory + "/data", "-k", directory, "-p", String(port),
                "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=64MB",
            ], log: directory + "/postgres-\(starts).log")
            _ = try server.waitForLine(containing: "ready to accept connections", timeout: 60)
            self.server = server
        }
    }

    /// Stops the server at once (SIGQUIT: immediate shutdown), as a crash or
    /// a failover would look to its clients.
    public func stop() {
        lock.withLock {
            server?.terminate(signal: SIGQUIT)
            server = nil
        }
    }
}
