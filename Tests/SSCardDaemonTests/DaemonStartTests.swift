import Foundation
import SSCardDaemon
import SSCardRig
import Testing
import Varlink

/// The daemon's start as an ordered group, against the real pieces: a start
/// that fails at the socket unwinds the readers, feed, keeper and store.
@Suite("sscardd: ordered start and unwinding", .serialized)
struct DaemonStartTests {
    /// The services named by lines "<priority>stopped <service>", in the order logged.
    static func stops(_ lines: [String]) -> [String] { services(lines, "stopped ") }

    /// The services named by lines "<priority>started <service>", in the order logged.
    static func starts(_ lines: [String]) -> [String] { services(lines, "started ") }

    private static func services(_ lines: [String], _ verb: String) -> [String] {
        lines.compactMap { line in
            guard let end = line.firstIndex(of: ">") else { return nil }
            let message = line[line.index(after: end)...].trimmingCharacters(in: .whitespacesAndNewlines)
            return message.hasPrefix(verb) ? String(message.dropFirst(verb.count)) : nil
        }
    }

    /// Descriptors of this process open on `path` or its -wal/-shm files.
    static func openDescriptors(on path: String) -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd),
                  target.hasPrefix(path) else { return nil }
            return target
        }
    }

    @Test("in process: the socket path unusable, the services started before it are stopped in reverse and the store closed")
    func unwindInProcess() throws {
        let rig = try DaemonRig(start: false)
        // A regular file where the socket should be: binding refuses it (not a socket).
        try "not a socket".write(toFile: rig.socketPath, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(path: rig.configPath, explicit: true)
        let lines = LockedValue<[String]>([])
        let log = Log(level: .debug, write: { lines.append($0) })
        let daemon = Daemon(configurationPath: rig.configPath, explicit: true, configuration: configuration, log: log)
        #expect(throws: VarlinkServerError.self) { try daemon.run() }
        let logged = lines.value
        #expect(logged.contains { $0.contains("varlink server failed to start") }, "\(logged)")
        // Reverse order of start, and nothing the failed server or the watchdog would have stopped.
        #expect(Self.stops(logged) == ["metrics file", "reader monitor", "change feed", "loss keeper", "audit checkpoints",
                                     "registry store"], "\(logged)")
        // The store really is closed: no descriptor of this process on the registry file any more.
        let registry = rig.stateDirectory + "/registry.sqlite"
        #expect(FileManager.default.fileExists(atPath: registry))
        #expect(Self.openDescriptors(on: registry).isEmpty, "\(Self.openDescriptors(on: registry))")
    }

    @Test("as a process: a failed start logs each unwound service and exits 1 with the reason")
    func unwindAsProcess() throws {
        let rig = try DaemonRig(start: false)
        try "not a socket".write(toFile: rig.socketPath, atomically: true, encoding: .utf8)
        let result = try DaemonProcessTests.run(DaemonProcessTests.sscardd, ["--config", rig.configPath])
        #expect(result.code == 1, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(Self.stops(lines) == ["metrics file", "reader monitor", "change feed", "loss keeper", "audit checkpoints",
                                     "registry store"], "\(result.output)")
        #expect(lines.last?.contains("cannot start") == true, "\(result.output)")
        #expect(!result.output.contains("listening on"))
        // The file it refused is left alone.
        #expect(try String(contentsOfFile: rig.socketPath, encoding: .utf8) == "not a socket")
    }

    @Test("a normal stop stops every service in reverse order of start")
    func stopOrder() throws {
        let rig = try DaemonRig()
        let daemon = try #require(rig.daemon)
        #expect(rig.stop() == 0)
        #expect(Self.starts(daemon.output) == ["registry store", "audit checkpoints", "loss keeper", "change feed", "reader monitor",
                                                "metrics file", "varlink server", "watchdog"],
                "\(daemon.output)")
        #expect(Self.stops(daemon.output) == ["watchdog", "varlink server", "metrics file", "reader monitor",
                                                          "change feed", "loss keeper", "audit checkpoints", "registry store"], "\(daemon.output)")
        // The last line: the daemon's own "stopped".
        #expect(daemon.output.last?.hasSuffix("stopped") == true)
    }

    /// systemd's socket unit decides where the socket is; the journal must
    /// say that path, not the configuration's `socket-path` (unused then).
    @Test("socket activation: the start log names the socket systemd passed, not socket-path")
    func activatedSocketLogged() throws {
        let rig = try DaemonRig(start: false)
        let activated = rig.directory + "/activated.sock"
        let activator = try ChildProcess(
            name: "activate", executable: "/usr/bin/systemd-socket-activate",
            arguments: ["-l", activated, "-E", "PCSCLITE_CSOCK_NAME", DaemonProcessTests.sscardd, "--config", rig.configPath],
            logPath: rig.directory + "/activate.log")
        defer { activator.terminate() }
        try activator.waitForLine(containing: "Listening on")
        // The first connection makes systemd-socket-activate start sscardd.
        let client = try VarlinkClient(path: activated, timeout: .seconds(30))
        #expect(try client.call("org.varlink.service.GetInfo", [:])["product"]?.string == "sscardd")
        try activator.waitForLine(containing: "listening on \(activated) (socket activation)")
        #expect(!activator.output.contains { $0.contains("listening on \(rig.socketPath)") })
        #expect(!FileManager.default.fileExists(atPath: rig.socketPath))
        client.close()
    }
}
