import Foundation
import Glibc
import SSCardInterfaces
import SSCardRig
import SSCardValues
import Varlink

/// Section 5 of the fault runs: clients that break the protocol or the
/// rules, while well-behaved clients measure GetStatus latency. Each abuse
/// must get its documented reaction (docs/protocol-transport.md, "Limits" and
/// "Errors the transport itself returns"; docs/protocol.md, "Roles"), and the
/// others' p50 and p99 must stay within 2× of a baseline measured alone.
enum ProtocolAbuseScenario {
    static let scenario = FaultScenario(
        name: "abuse",
        summary: "oversized messages, slowloris, 1,000 connections, random bytes, an unauthorized uid; others' latency",
        run: run)

    static let invalidMessage = #"{"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"message"}}"#

    static func run(_ options: FaultOptions) throws -> [FaultCheck] {
        let rig = try DaemonRig()
        let setup = try VarlinkClient(path: rig.socketPath)
        let holder = FaultHolder(index: 3)
        try holder.issue(setup)
        let number = holder.cardNumber
        var checks: [FaultCheck] = []
        func check(_ name: String, _ passed: Bool, _ figure: String) {
            checks.append(FaultCheck(scenario: "abuse", check: name, passed: passed, figure: figure))
            FileHandle.standardError.write(Data("   \(passed ? "pass" : "FAIL") \(name): \(figure)\n".utf8))
        }
        let call = #"{"method":"\#(RegistryMethod.getStatus.name)","parameters":{"cardNumber":"\#(number)"}}"#
        let measureSeconds = options.integer("abuse.baseline-seconds", full: 20, quick: 5)
        var random = SeededRandom(seed: options.seed)

        try WorkerWarmUp.run(socketPath: rig.socketPath, cardNumber: number)
        let baseline = LatencyRecorder()
        var clients = measuringClients(rig, number, baseline)
        clients.forEach { $0.start() }
        waitSeconds(measureSeconds)
        clients.forEach { $0.stop() }

        let underAbuse = LatencyRecorder()
        clients = measuringClients(rig, number, underAbuse)
        clients.forEach { $0.start() }
        let abuseStarted = ContinuousClock.now

        // Slowloris: a valid call, one byte a second, held open across every other abuse.
        let slowCount = options.integer("abuse.slowloris", full: 16, quick: 16)
        let slowloris = try Slowloris(socketPath: rig.socketPath, count: slowCount, message: Array(call.utf8) + [0])

        // Oversized: 70 KiB without a NUL: InvalidParameter, then the daemon closes.
        let oversizedCount = options.integer("abuse.oversized", full: 100, quick: 20)
        var oversizedOK = 0
        for _ in 0..<oversizedCount {
            let socket = try RawSocket(path: rig.socketPath)
            socket.send([UInt8](repeating: UInt8(ascii: "x"), count: 70 * 1024))
            if socket.nextReply() == invalidMessage && socket.closedByPeer() { oversizedOK += 1 }
        }
        check("oversized (70 KiB): InvalidParameter, then closed", oversizedOK == oversizedCount,
              "\(oversizedOK)/\(oversizedCount) connections")

        // Random bytes: every NUL-terminated frame is answered InvalidParameter and the
        // connection stays usable, so a valid call after the garbage is answered.
        let randomCount = options.integer("abuse.random", full: 500, quick: 100)
        var randomOK = 0
        var frames = 0
        for _ in 0..<randomCount {
            var garbage = (0..<Int.random(in: 1...4096, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            garbage.append(0)
            let expected = garbage.filter { $0 == 0 }.count
            let socket = try RawSocket(path: rig.socketPath)
            socket.send(garbage + Array(call.utf8) + [0])
            var errors = 0
            while errors < expected, let reply = socket.nextReply(), reply == invalidMessage { errors += 1 }
            let answer = errors == expected ? socket.nextReply() : nil
            if answer?.contains(#""cardNumber":"\#(number)""#) == true && !socket.peerClosed { randomOK += 1 }
            frames += expected
        }
        check("random bytes: each frame InvalidParameter, the connection still answers",
              randomOK == randomCount, "\(randomOK)/\(randomCount) connections, \(frames) garbage frames")

        // 1,000 connections at once, each with a call; then more than the limit (1024).
        let floodCount = options.integer("abuse.connections", full: 1000, quick: 1000)
        let flood = try (0..<floodCount).map { _ in try RawSocket(path: rig.socketPath) }
        flood.forEach { $0.send(Array(call.utf8) + [0]) }
        let floodAnswered = flood.filter { $0.nextReply()?.contains(#""cardNumber":"\#(number)""#) == true }.count
        let extra = try (0..<40).map { _ in try RawSocket(path: rig.socketPath) }
        extra.forEach { $0.send(Array(call.utf8) + [0]) }
        var extraAnswered = 0
        var extraClosed = 0
        for socket in extra {
            if socket.nextReply()?.contains(#""cardNumber":"\#(number)""#) == true { extraAnswered += 1 }
            else if socket.peerClosed { extraClosed += 1 }
        }
        flood.forEach { $0.close() }
        extra.forEach { $0.close() }
        check("\(floodCount) connections at once: every call answered", floodAnswered == floodCount,
              "\(floodAnswered)/\(floodCount) answered")
        check("beyond max-connections (1024): closed at once, the rest answered",
              extraClosed > 0 && extraAnswered + extraClosed == extra.count,
              "of 40 more: \(extraAnswered) answered, \(extraClosed) closed")

        // An unauthorized uid (no role group, only the socket's group): PermissionDenied, audited.
        let uid = DaemonRig.otherUid
        let denied = try rig.sscardctl(["status", "--card", number], uid: uid, groups: [])
        let trail = try setup.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let audited = trail.contains {
            $0[.action]?.string == "getStatus" && $0[.outcome]?.string == "refused"
                && $0[.actor]?.string == "uid:\(uid)" && $0[.role]?.string == "none"
        }
        check("unauthorized uid: PermissionDenied (exit 4), audited with uid and role",
              denied.code == 4 && audited, "sscardctl exit \(denied.code), audit entry \(audited ? "found" : "missing")")

        // Slowloris: still connected after the rest; the completed calls are answered.
        waitSeconds(max(0, measureSeconds - Int((ContinuousClock.now - abuseStarted) / .seconds(1))))
        let (held, answered, sentBytes) = slowloris.finish(expecting: #""cardNumber":"\#(number)""#)
        check("slowloris (a byte a second): held open, answered once complete",
              held == slowCount && answered == slowCount,
              "\(held)/\(slowCount) still open after \(sentBytes) bytes each, \(answered) answered")

        let abuseTime = ContinuousClock.now - abuseStarted
        clients.forEach { $0.stop() }
        let failed = summary(clients)
        check("well-behaved clients: no failed call during abuse", failed.failures == 0,
              "\(failed.calls) calls, \(failed.failures) failed " + failed.samples.joined(separator: "; "))
        let before = baseline.all
        let during = underAbuse.all
        let p50Ratio = Double(during.p50) / Double(max(1, before.p50))
        let p99Ratio = Double(during.p99) / Double(max(1, before.p99))
        // A quick run's few seconds of abuse leave too few samples for a
        // stable p99 on a shared 2-core machine (the harness's own 1,000
        // connections compete for the same cores); it gates the median and
        // reports the p99, which the full run gates.
        check(options.quick ? "latency under abuse: p50 within 2× of baseline (p99 gated in full runs)"
                            : "latency under abuse within 2× of baseline",
              p50Ratio <= 2 && (options.quick || p99Ratio <= 2),
              "baseline \(before); under abuse (\(seconds(abuseTime))) \(during); "
                  + String(format: "×%.2f p50, ×%.2f p99", p50Ratio, p99Ratio))
        let alive = rig.daemon?.isRunning == true
        let after = Result { try setup.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)])) }
        check("sscardd survives and answers", alive && (try? after.get()) != nil, alive ? "running" : "exited")
        return checks
    }

    /// Three clients calling GetStatus back to back, timed into `recorder`.
    static func measuringClients(_ rig: DaemonRig, _ number: String, _ recorder: LatencyRecorder) -> [ClientLoop] {
        (0..<3).map { index in
            ClientLoop(name: "measure-\(index)", socketPath: rig.socketPath) { client, _ in
                let reply = try recorder.time {
                    try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))
                }
                guard reply[.card]?[.cardNumber]?.string == number else { throw ProbeError.unexpected("GetStatus: \(reply)") }
            }
        }
    }

    /// Paces a run (nothing to wait for: the load runs for a set time).
    static func waitSeconds(_ seconds: Int) {
        guard seconds > 0 else { return }
        Thread.sleep(forTimeInterval: TimeInterval(seconds))
    }
}
