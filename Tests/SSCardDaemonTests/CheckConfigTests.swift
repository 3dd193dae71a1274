import Foundation
import Glibc
import SSCardRig
import Testing

/// `sscardd --check-config` checks what the start checks before it opens
/// anything (the key file and its mode, the socket group, the reader choice),
/// and reaches no database.
@Suite("sscardd --check-config", .serialized)
struct CheckConfigTests {
    static func check(_ rig: DaemonRig) throws -> (code: Int32, output: String) {
        try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath, "--check-config"])
    }

    static func keyFile(_ rig: DaemonRig) -> String { rig.directory + "/issuer-keys.conf" }

    @Test("a good configuration passes without opening the registry")
    func passes() throws {
        let rig = try DaemonRig(start: false)
        let result = try Self.check(rig)
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains("configuration OK"))
        #expect(!FileManager.default.fileExists(atPath: rig.stateDirectory + "/registry.sqlite"))
    }

    @Test("a key file the group or others may read is refused, naming the file and its mode; the start refuses it too")
    func keyFileMode() throws {
        let rig = try DaemonRig(start: false)
        let keys = Self.keyFile(rig)
        for mode in [0o644, 0o640, 0o604, 0o660] as [mode_t] {
            chmod(keys, mode)
            let result = try Self.check(rig)
            #expect(result.code == 78, "mode \(String(mode, radix: 8)): \(result.output)")
            #expect(result.output.contains("\(keys) is mode 0\(String(mode, radix: 8))"), "\(result.output)")
        }
        // The daemon itself refuses it before anything opens, exit 78 (not restarted by systemd).
        chmod(keys, 0o644)
        let start = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath])
        #expect(start.code == 78, "\(start.output)")
        #expect(start.output.contains("\(keys) is mode 0644"))
        #expect(!FileManager.default.fileExists(atPath: rig.stateDirectory + "/registry.sqlite"))
        for mode in [0o600, 0o400] as [mode_t] {
            chmod(keys, mode)
            let accepted = try Self.check(rig)
            #expect(accepted.code == 0, "mode \(String(mode, radix: 8)): \(accepted.output)")
        }
    }

    @Test("a key file missing or malformed is refused, naming the problem and never a key")
    func keyFileContents() throws {
        let rig = try DaemonRig(start: false)
        let keys = Self.keyFile(rig)
        try "reloadPIN.3des = 0123456789ABCDEFFEDCBA987654321\n".write(toFile: keys, atomically: true, encoding: .utf8)
        chmod(keys, 0o600)
        let malformed = try Self.check(rig)
        #expect(malformed.code == 78, "\(malformed.output)")
        #expect(malformed.output.contains("security module keys"), "\(malformed.output)")
        #expect(!malformed.output.contains("0123456789ABCDEF"))
        try FileManager.default.removeItem(atPath: keys)
        let missing = try Self.check(rig)
        #expect(missing.code == 78)
        #expect(missing.output.contains("\(keys): No such file or directory"), "\(missing.output)")
    }

    @Test("a socket group that does not exist is refused by name")
    func socketGroup() throws {
        let rig = try DaemonRig(start: false)
        let text = try String(contentsOfFile: rig.configPath, encoding: .utf8)
            .replacingOccurrences(of: "socket-group = \(DaemonRig.socketGid)", with: "socket-group = no-such-group-sscard")
        try text.write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let result = try Self.check(rig)
        #expect(result.code == 78)
        #expect(result.output.contains("socket-group 'no-such-group-sscard' does not exist"), "\(result.output)")
    }

    @Test("a PostgreSQL registry is not reached: nothing connects to the server's socket")
    func noDatabase() throws {
        let rig = try DaemonRig(start: false)
        // A listening socket where libpq would connect (host=<directory>, port 5432).
        let listener = try UnixListener(path: rig.directory + "/.s.PGSQL.5432")
        defer { listener.close() }
        let text = try String(contentsOfFile: rig.configPath, encoding: .utf8)
            + "\nregistry-engine = postgresql\npostgresql-conninfo = host=\(rig.directory) port=5432 connect_timeout=2\n"
        try text.write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let result = try Self.check(rig)
        #expect(result.code == 0, "\(result.output)")
        #expect(!listener.wasConnected, "--check-config connected to the database")
        // The listener does see a connection when the daemon really starts (so the check above could fail).
        let start = try ChildProcess(name: "sscardd", executable: DaemonProcessTests.sscardd,
                                     arguments: ["--config", rig.configPath], logPath: rig.directory + "/start.log")
        defer { start.terminate() }
        _ = try start.waitForLine(containing: "registry database unreachable")
        #expect(listener.wasConnected)
    }

    /// A listening Unix socket that only says whether anyone connected.
    final class UnixListener {
        private let descriptor: Int32

        init(path: String) throws {
            descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 8) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }

        /// Whether a connection is waiting to be accepted (one that was made
        /// and closed stays queued until then).
        var wasConnected: Bool {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return false }
            Glibc.close(connection)
            return true
        }

        func close() { Glibc.close(descriptor) }
    }
}
