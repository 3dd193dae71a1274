import Foundation
import Glibc

/// How the rigs run PostgreSQL's programs (`initdb`, `postgres`,
/// `pg_basebackup`, `pg_ctl`): from Debian's `/usr/lib/postgresql/N/bin`,
/// and, when the tests run as root, as an unprivileged user, because
/// PostgreSQL refuses to run as root (so does `pgbouncer`, run the same way).
public struct PostgreSQLPrograms: @unchecked Sendable {
    /// The directory holding the binaries.
    public let binaries: String
    /// The user the programs run as when the tests run as root (nil otherwise):
    /// what the directories the servers write to must belong to.
    public let runAs: (uid: uid_t, gid: gid_t)?

    /// The newest /usr/lib/postgresql/N/bin (or $SSCARD_PG_BIN), run as
    /// `postgres` (made by the package) or `nobody` under root.
    public init() throws {
        binaries = try Self.findBinaries()
        if getuid() == 0 {
            guard let user = getpwnam("postgres") ?? getpwnam("nobody") else { throw RigError.missing("an unprivileged user") }
            runAs = (user.pointee.pw_uid, user.pointee.pw_gid)
        } else {
            runAs = nil
        }
    }

    /// The newest /usr/lib/postgresql/N/bin, or $SSCARD_PG_BIN.
    public static func findBinaries() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["SSCARD_PG_BIN"] { return explicit }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted()
        guard let newest = versions.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(newest)/bin/initdb") else {
            throw RigError.missing("PostgreSQL server binaries (apt-get install postgresql)")
        }
        return "\(root)/\(newest)/bin"
    }

    /// Makes `path` (and missing parents) and gives it to the user the programs run as.
    public func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let runAs { chown(path, runAs.uid, runAs.gid) }
    }

    /// Starts a program, as the unprivileged user when we are root. The
    /// death signal is set after the user change (a change of user clears
    /// it), so a server dies with the test process.
    public func spawn(_ program: String, _ arguments: [String], log: String? = nil) throws -> ChildProcess {
        try spawn(executable: "\(binaries)/\(program)", name: program, arguments, log: log)
    }

    /// Starts the program at `binary` (one from another package, e.g.
    /// pgbouncer, which refuses root too) the same way.
    public func spawn(executable binary: String, name program: String, _ arguments: [String],
                      log: String? = nil) throws -> ChildProcess {
        guard let runAs else {
            return try ChildProcess(name: program, executable: binary, arguments: arguments, logPath: log)
        }
        return try ChildProcess(name: program, executable: "/usr/bin/setpriv",
                                arguments: ["--reuid", String(runAs.uid), "--regid", String(runAs.gid), "--clear-groups",
                                            "/usr/bin/setpriv", "--pdeathsig", "TERM", binary] + arguments,
                                logPath: log)
    }

    /// Runs a program to its end; a non-zero exit throws with its last lines.
    public func run(_ program: String, _ arguments: [String]) throws {
        let child = try spawn(program, arguments)
        let status = child.waitForExit()
        guard status == 0 else {
            let tail = (try? child.completeOutput(timeout: 5)) ?? child.output
            throw RigError.exited("\(program) (status \(status))", tail.suffix(5).joined(separator: " | "))
        }
    }
}
