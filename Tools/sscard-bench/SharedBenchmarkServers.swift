import Foundation
import PostgreSQLStore

/// A private, durable PostgreSQL for the shared-registry benchmark: initdb in
/// a fresh directory on disk, `fsync=on` and `synchronous_commit=on` (unlike
/// the test rig, which trades durability for speed), a Unix socket only.
/// Under root, the server runs as the `postgres` user.
final class BenchmarkPostgreSQL {
    let directory: String
    let port = 5433
    private var server: Process?

    var conninfo: String { "host=\(directory) port=\(port) user=sscard dbname=postgres" }
    func conninfo(database: String) -> String { "host=\(directory) port=\(port) user=sscard dbname=\(database)" }

    init(under parent: String) throws {
        let binaries = try Self.binaries()
        directory = parent + "/sscard-bench-pg.\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let user = getuid() == 0 ? getpwnam("postgres") : nil
        if let user { chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) }
        func command(_ program: String, _ arguments: [String]) -> (String, [String]) {
            guard let user else { return ("\(binaries)/\(program)", arguments) }
            return ("/usr/bin/setpriv", ["--reuid", String(user.pointee.pw_uid), "--regid", String(user.pointee.pw_gid),
                                         "--clear-groups", "\(binaries)/\(program)"] + arguments)
        }
        let (initdb, initArguments) = command("initdb", ["-D", directory + "/data", "-U", "sscard", "-A", "trust",
                                                         "-E", "UTF8", "--locale=C", "--no-instructions"])
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: initdb)
        setup.arguments = initArguments
        setup.standardOutput = FileHandle.nullDevice
        try setup.run()
        setup.waitUntilExit()
        guard setup.terminationStatus == 0 else { throw BenchmarkFailure("initdb failed in \(directory)") }
        let (postgres, arguments) = command("postgres", [
            "-D", directory + "/data", "-k", directory, "-p", String(port), "-c", "listen_addresses=",
            "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "max_connections=300",
            "-c", "shared_buffers=512MB", "-c", "max_wal_size=4GB", "-c", "log_min_duration_statement=250",
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: postgres)
        process.arguments = arguments
        let log = FileHandle(forWritingAtPath: directory + "/postgres.log")
            ?? { _ = FileManager.default.createFile(atPath: directory + "/postgres.log", contents: nil)
                 return FileHandle(forWritingAtPath: directory + "/postgres.log")! }()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        server = process
        let deadline = Date().addingTimeInterval(60)
        while (try? PGConnection(conninfo: conninfo)) == nil {
            guard process.isRunning, Date() < deadline else { throw BenchmarkFailure("PostgreSQL did not start; see \(directory)/postgres.log") }
            usleep(50_000)
        }
    }

    static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else { throw BenchmarkFailure("no PostgreSQL server (apt-get install postgresql)") }
        return "\(root)/\(newest)/bin"
    }

    /// Server settings, for the report.
    func setting(_ name: String) -> String {
        (try? PGConnection(conninfo: conninfo).queryOne("SELECT current_setting($1)", [.text(name)]) { $0.string(0) ?? "" })
            .flatMap { $0 } ?? "?"
    }

    func stop() {
        if let server, server.isRunning {
            kill(server.processIdentifier, SIGINT)  // fast shutdown
            server.waitUntilExit()
        }
        server = nil
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// sscardd processes for the benchmark, each with its own configuration,
/// socket and service point.
final class BenchmarkDaemons {
    let directory: String
    private(set) var sockets: [String] = []
    private var children: [Process] = []

    init(under parent: String) throws {
        directory = parent + "/sscard-bench-shared.\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Starts one sscardd with `lines` added to its configuration; returns its socket.
    @discardableResult
    func start(_ name: String, _ lines: String) throws -> String {
        let state = directory + "/" + name
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let socket = state + "/sscard.sock"
        let configuration = """
            state-directory = \(state)
            socket-path = \(socket)
            socket-group =
            service-point = \(name)
            worker-threads = 16
            log-level = warning
            \(lines)

            """
        try configuration.write(toFile: state + "/sscardd.conf", atomically: true, encoding: .utf8)
        let executables = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]).deletingLastPathComponent()
        let process = Process()
        process.executableURL = executables.appendingPathComponent("sscardd")
        process.arguments = ["--config", state + "/sscardd.conf"]
        let log = state + "/sscardd.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        children.append(process)
        let deadline = monotonicNanoseconds() + 60_000_000_000
        while (try? RawClient(path: socket)) == nil {
            guard process.isRunning, monotonicNanoseconds() < deadline else {
                throw BenchmarkFailure("sscardd \(name) did not start; see \(log)")
            }
            usleep(20_000)
        }
        sockets.append(socket)
        return socket
    }

    func stop() {
        for child in children where child.isRunning { child.terminate() }
        for child in children { child.waitUntilExit() }
        children = []
        try? FileManager.default.removeItem(atPath: directory)
    }
}
