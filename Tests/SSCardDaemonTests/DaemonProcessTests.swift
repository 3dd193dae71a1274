import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// sscardd as a process: configuration errors, signals, socket activation,
/// an independent varlink client, and a storm of mutated calls.
@Suite("sscardd: the process", .serialized)
struct DaemonProcessTests {
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> (code: Int32, output: String) {
        try runToEnd(executable, arguments, environment: environment)
    }

    static var sscardd: String { PCSCRig.productsDirectory + "/sscardd" }

    @Test("a bad configuration stops the start with the file and line named")
    func configurationErrors() throws {
        let rig = try DaemonRig(extra: "temporary-loss-days = 0", start: false)
        let result = try Self.run(Self.sscardd, ["--config", rig.configPath])
        #expect(result.code == 78)
        #expect(result.output.contains("\(rig.configPath):\(rig.firstExtraLine): 'temporary-loss-days' must be a whole number from 1 to 365"))
        try "colour = blue\n".write(toFile: rig.configPath, atomically: true, encoding: .utf8)
        let unknown = try Self.run(Self.sscardd, ["--config", rig.configPath, "--check-config"])
        #expect(unknown.code == 78)
        #expect(unknown.output.contains(":1: unknown key 'colour'"))
        let missing = try Self.run(Self.sscardd, ["--config", rig.directory + "/nope.conf"])
        #expect(missing.code == 78)
        #expect(missing.output.contains("no such file"))
    }

    @Test("a missing or read-only state directory is a clear error at start")
    func stateDirectory() throws {
        let rig = try DaemonRig(extra: "", start: false)
        try FileManager.default.removeItem(atPath: rig.stateDirectory)
        let missing = try Self.run(Self.sscardd, ["--config", rig.configPath])
        #expect(missing.code == 1)
        #expect(missing.output.contains("state directory \(rig.stateDirectory): does not exist"))
    }

    @Test("SIGTERM finishes cleanly and keeps every change; SIGHUP reloads; a restart serves the same registry")
    func signals() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(30, client: client)
        client.close()
        let daemon = try #require(rig.daemon)
        try rig.configPath.appendLine("")
        kill(daemon.pid, SIGHUP)
        try daemon.waitForLine(containing: "configuration reloaded")
        #expect(rig.stop() == 0)
        #expect(daemon.output.contains { $0.contains("stopped") })
        #expect(!FileManager.default.fileExists(atPath: rig.socketPath))
        try rig.start()
        let again = try Fixture.client(rig)
        #expect(try again.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?.string == "active")
        // Logs carry journald priorities and never a full social security number.
        let log = rig.daemon?.output ?? []
        #expect(log.allSatisfy { $0.hasPrefix("<") })
        #expect(!daemon.output.joined().contains(Fixture.ssn(30)))
    }

    /// A supervisor may stop the daemon the instant it reports itself up: the
    /// signal must neither be lost (a daemon that never stops) nor kill it
    /// unhandled (exit 143, calls in flight cut off).
    @Test("SIGTERM sent the moment sscardd says it listens stops it cleanly, 20 starts in a row")
    func sigtermRightAfterListening() throws {
        let rig = try DaemonRig(start: false)
        var slowest: Duration = .zero
        for round in 1...20 {
            try rig.start()
            let daemon = try #require(rig.daemon)
            let sent = ContinuousClock.now
            kill(daemon.pid, SIGTERM)
            // Bounded: a lost signal leaves the daemon running and this throws.
            let output = try daemon.completeOutput(timeout: 10)
            let code = daemon.waitForExit()
            slowest = max(slowest, ContinuousClock.now - sent)
            #expect(code == 0, "start \(round): exit \(code); \(output.suffix(3))")
            #expect(output.last?.contains("stopped") == true, "start \(round): \(output.suffix(3))")
            rig.stop()
        }
        #expect(slowest < .seconds(5), "slowest stop \(slowest)")
    }

    @Test("socket activation: sscardd adopts the listening socket systemd passes")
    func socketActivation() throws {
        let rig = try DaemonRig(start: false)
        let activator = try ChildProcess(
            name: "activate", executable: "/usr/bin/systemd-socket-activate",
            arguments: ["-l", rig.socketPath, "-E", "PCSCLITE_CSOCK_NAME", DaemonProcessTests.sscardd, "--config", rig.configPath],
            logPath: rig.directory + "/activate.log")
        defer { activator.terminate() }
        try activator.waitForLine(containing: "Listening on")
        let client = try Fixture.client(rig)
        #expect(try client.call("org.varlink.service.GetInfo", [:])["product"]?.string == "sscardd")
        try activator.waitForLine(containing: "socket activation")
    }

    @Test("the independent PyPI varlink client reads the interfaces, calls a method and gets an error")
    func pythonVarlinkInterop() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(31, client: client)
        let python = "/usr/bin/env"
        let address = "unix:" + rig.socketPath
        let info = try Self.run(python, ["python3", "-m", "varlink.cli", "info", address])
        #expect(info.code == 0, "\(info.output)")
        #expect(info.output.contains("org.sscard.Registry"))
        let help = try Self.run(python, ["python3", "-m", "varlink.cli", "help", address + "/" + SSCardInterface.registry.rawValue])
        #expect(help.code == 0, "\(help.output)")
        #expect(help.output.contains("method ReportLoss("))
        let call = try Self.run(python, ["python3", "-m", "varlink.cli", "call",
                                         address + "/" + RegistryMethod.getStatus.name, "{\"cardNumber\": \"\(number)\"}"])
        #expect(call.code == 0, "\(call.output)")
        #expect(call.output.contains("\"state\": \"active\""))
        let error = try Self.run(python, ["python3", "-m", "varlink.cli", "call",
                                          address + "/" + RegistryMethod.getStatus.name, "{\"cardNumber\": \"\(Fixture.cardNumber(99))\"}"])
        // The CLI prints the error (its exit code does not say).
        #expect(error.output.contains(RegistryErrorName.cardNotFound.name))
    }

    /// Random and mutated calls to every method: every message is answered
    /// or its connection closed, and sscardd keeps serving. (The transport's
    /// own fuzz, VarlinkTests, sends 100,000 mutated messages; here the
    /// calls are well-framed and reach the handlers, and most refusals are
    /// durable audit writes, so the count is smaller.)
    @Test("5,000 random calls with random parameters reach every handler: no crash, every call answered")
    func fuzz() throws {
        let rig = try DaemonRig()
        let setup = try Fixture.client(rig)
        let number = try Fixture.issue(32, client: setup)
        // Every registry method but the stream and the backup (which writes files).
        let methods = RegistryMethod.allCases.filter { $0 != .monitor && $0 != .backup }.map(\.name)
            + [ReaderMethod.listReaders.name, ReaderMethod.readCard.name, ReaderMethod.verifyPin.name, "org.nope.X"]
        let values: [JSONValue] = [.null, true, 0, -1, 9_223_372_036_854_775_807, 1.5, "", "X00000019", .string(number),
                                   .string(Fixture.ssn(32)), "张三", "temporary", "formal", "idCard", "produced",
                                   .string(String(repeating: "长", count: 300)), "\u{0}", [], [:], .fields([.document: "idCard"]),
                                   .fields([.ssn: .string(Fixture.ssn(33)), .name: "钱"]), ["a": [1, [2, [3]]]]]
        let keys = ["cardNumber", "ssn", "name", "kind", "reason", "evidence", "holder", "applicationId", "stage", "identity",
                    "reader", "pin", "oldPin", "newPin", "limit", "replacementReason", "phone", "address", "x"]
        var generator = SystemRandomNumberGenerator()
        var answered = 0
        let calls = 5_000
        var client = try Fixture.client(rig)
        for index in 0..<calls {
            var parameters: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                parameters[keys.randomElement(using: &generator)!] = values.randomElement(using: &generator)!
            }
            let method = methods.randomElement(using: &generator)!
            // Keep the one real card usable so state-changing calls keep exercising the rules.
            if index % 100 == 99 { _ = try? setup.call(RegistryMethod.releaseLoss.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard])) }
            do {
                _ = try client.call(method, .object(parameters))
                answered += 1
            } catch is VarlinkError {
                answered += 1
            } catch {
                client = try Fixture.client(rig)  // the connection was closed: allowed, but the daemon must still answer
            }
        }
        #expect(answered == calls)
        #expect(rig.daemon?.isRunning == true)
        #expect(try setup.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
    }
}

extension String {
    func appendLine(_ line: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: self))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
        try handle.close()
    }
}

/// sd_notify as systemd sees it: a datagram socket named by NOTIFY_SOCKET.
@Suite("sscardd: sd_notify", .serialized)
struct NotifyTests {
    @Test("READY=1 once serving, WATCHDOG=1 at half WATCHDOG_USEC, STOPPING=1 on SIGTERM")
    func notifications() throws {
        let rig = try DaemonRig(start: false)
        let path = rig.directory + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func receive() -> String {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : ""
        }
        // WATCHDOG_PID must name sscardd itself; /usr/bin/env execs it, keeping the pid.
        try rig.start(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"])
        let started = Date()
        var seen: [String] = []
        while !(seen.contains { $0.contains("WATCHDOG=1") }) {
            let message = receive()
            guard !message.isEmpty else { break }
            seen.append(message)
        }
        #expect(seen.contains { $0.contains("READY=1") })
        #expect(seen.contains { $0.contains("STATUS=serving test-140105") })
        #expect(seen.contains { $0.contains("WATCHDOG=1") })
        // Half of 400 ms, not sooner: systemd's recommended keep-alive rate.
        #expect(Date().timeIntervalSince(started) >= 0.19)
        kill(rig.daemon!.pid, SIGTERM)
        var stopping = false
        for _ in 0..<50 where !stopping {
            let message = receive()
            if message.isEmpty { break }
            stopping = message.contains("STOPPING=1")
        }
        #expect(stopping)
        #expect(rig.stop() == 0)
    }
}
