import Foundation
import Glibc

/// A private pcscd with the vpcd driver, one per test process.
///
/// libpcsclite reads `PCSCLITE_CSOCK_NAME` once per process, so every suite
/// shares this daemon; it gets its own directory and its own vpcd ports,
/// so parallel runs (and a system pcscd) never collide. The socket is made
/// by `systemd-socket-activate` because pcscd itself ignores the variable.
public final class PCSCRig: @unchecked Sendable {
    public static let shared: PCSCRig = {
        do { return try PCSCRig() } catch { fatalError("cannot start the PC/SC rig: \(error)") }
    }()

    public let directory: String
    public let socketPath: String
    /// vpcd slot 0 listens on `port`, slot 1 on `port + 1`.
    public let port: UInt16
    public private(set) var pcscd: ChildProcess?
    private var starts = 0
    public let lock = NSLock()

    public static let reader0 = "Virtual PCD 00 00"
    public static let reader1 = "Virtual PCD 00 01"

    private init() throws {
        directory = NSTemporaryDirectory() + "sscard-rig-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/pcscd.comm"
        port = try Self.freePortPair()
        let conf = """
            FRIENDLYNAME "Virtual PCD"
            DEVICENAME   /dev/null:0x\(String(port, radix: 16))
            LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
            CHANNELID    0x\(String(port, radix: 16))

            """
        try conf.write(toFile: directory + "/reader.conf", atomically: true, encoding: .utf8)
        setenv("PCSCLITE_CSOCK_NAME", socketPath, 1)
        // Registered before any child exists, so it runs after the handler
        // that kills the children (atexit runs in reverse order). Set
        // SSCARD_KEEP_RIG=1 to keep the logs and profiles for a post-mortem.
        if ProcessInfo.processInfo.environment["SSCARD_KEEP_RIG"] == nil {
            atexit { try? FileManager.default.removeItem(atPath: PCSCRig.shared.directory) }
        }
        try start()
    }

    /// Starts pcscd and returns when its socket accepts connections
    /// (systemd-socket-activate prints "Listening on" once it does).
    public func start() throws {
        try lock.withLock {
            unlink(socketPath)
            starts += 1
            // SSCARD_PCSCD_DEBUG=1 runs pcscd with --debug, for a post-mortem
            // of what pcscd saw (card events, client commands).
            let debug = ProcessInfo.processInfo.environment["SSCARD_PCSCD_DEBUG"] == "1" ? ["--debug"] : []
            let daemon = try ChildProcess(
                name: "pcscd", executable: "/usr/bin/systemd-socket-activate",
                arguments: ["-l", socketPath, "/usr/sbin/pcscd", "--foreground"] + debug
                    + ["-c", directory + "/reader.conf"],
                logPath: directory + "/pcscd-\(starts).log")
            try daemon.waitForLine(containing: "Listening on")
            pcscd = daemon
            // Socket activation execs pcscd on the first connection; make it
            // happen now, so vpcd listens before a virtual card connects.
            Self.poke(socketPath)
        }
    }

    /// Kills pcscd and waits until it has exited.
    public func stop() {
        lock.withLock {
            pcscd?.terminate(signal: SIGKILL)
            pcscd = nil
        }
    }

    public static func poke(_ path: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes + [0])
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// An even port p with p and p+1 free on 127.0.0.1, from a random start
    /// so concurrent runs rarely even try the same pair.
    public static func freePortPair() throws -> UInt16 {
        let start = Int.random(in: 20_500...29_500) * 2
        for candidate in stride(from: start, to: start + 400, by: 2) {
            if isFree(UInt16(candidate)) && isFree(UInt16(candidate + 1)) { return UInt16(candidate) }
        }
        throw RigError.missing("a free port pair")
    }

    public static func isFree(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The directory holding the test bundle, where SwiftPM also puts the
    /// package's executables (sscard-vcard).
    public static var productsDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("sscard-vcard").path) {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }

    /// Starts sscard-vcard with one profile per slot and waits for every
    /// slot's readiness line.
    public func insertCards(_ profiles: [(slot: Int, json: String)], name: String = "vcard",
                            trace: Bool = false) throws -> ChildProcess {
        var arguments: [String] = trace ? ["--trace", "headers"] : []
        for (slot, json) in profiles {
            let path = directory + "/\(name)-\(slot)-\(UInt32.random(in: 0...UInt32.max)).json"
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--port", String(port + UInt16(slot)), "--profile", path]
        }
        let binary = Self.productsDirectory + "/sscard-vcard"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw RigError.missing(binary) }
        let card = try ChildProcess(name: name, executable: binary, arguments: arguments,
                                    logPath: directory + "/\(name).log")
        for (slot, _) in profiles {
            try card.waitForLine(containing: "ready port \(port + UInt16(slot))")
        }
        return card
    }
}
