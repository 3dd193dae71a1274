import Foundation
import Registry
import SSCardInterfaces
import SSCardValues

/// The daemon benchmark (issue: sscardd and its varlink control protocol).
///
/// sscardd runs as a child process on a state directory whose registry.sqlite
/// is a hard link to the benchmark registry; the floor (`sscard-bench-floor`,
/// a plain C server answering each NUL-terminated request with the registry's
/// status query) runs beside it on the same file. Clients are threads of this
/// process speaking raw NUL-framed JSON, identical bytes to both servers.
/// Every figure is measured in rounds that alternate sscardd and its
/// comparison, so background load on a shared machine hits both alike.
struct DaemonBenchmark {
    var path: String
    var cards: Int
    var latencyRounds = 4
    var callsPerLatencyRound = 5_000
    var clients = 16
    var throughputRounds = 3
    var roundSeconds = 2.0

    func run() throws -> BenchmarkTable {
        let loadTime = try seconds { try BulkLoad.ensure(path: path, count: cards) }
        log("registry of \(cards) cards ready at \(path) (\(format(loadTime)) s)")

        let rig = try DaemonRig(registry: path)
        defer { rig.stop() }
        var table = BenchmarkTable()
        var generator = SeededRandom(seed: 42)
        func statusRequest() -> [UInt8] {
            let number = BulkLoad.cardNumber(Int.random(in: 0..<cards, using: &generator))
            return Array("{\"method\":\"\(RegistryMethod.getStatus.name)\",\"parameters\":{\"cardNumber\":\"\(number)\"}}\0".utf8)
        }
        let requests = (0..<20_000).map { _ in statusRequest() }

        // Both servers answer the same card the same way before anything is timed.
        for socket in [rig.daemonSocket, rig.floorSocket] {
            let client = try RawClient(path: socket)
            let reply = try client.call(requests[0])
            guard reply.contains("\"card\""), !reply.contains("\"error\"") else {
                throw BenchmarkFailure("\(socket) answered \(reply)")
            }
        }

        // GetStatus latency, one client.
        var daemonSamples: [Double] = [], floorSamples: [Double] = []
        _ = try latency(rig.daemonSocket, requests.prefix(2_000))
        _ = try latency(rig.floorSocket, requests.prefix(2_000))
        for round in 0..<latencyRounds {
            let first = (round * callsPerLatencyRound) % (requests.count - callsPerLatencyRound)
            let slice = requests[first..<first + callsPerLatencyRound]
            if round % 2 == 0 {
                daemonSamples += try latency(rig.daemonSocket, slice)
                floorSamples += try latency(rig.floorSocket, slice)
            } else {
                floorSamples += try latency(rig.floorSocket, slice)
                daemonSamples += try latency(rig.daemonSocket, slice)
            }
        }
        let daemon = Samples(daemonSamples), floor = Samples(floorSamples)
        let p50 = daemon.median / 1000, p99 = daemon.percentile(99) / 1000
        let floorP50 = floor.median / 1000, floorP99 = floor.percentile(99) / 1000
        table.add("GetStatus, 1 client (µs p50)", sscard: format(p50), comparison: format(floorP50) + " floor",
                  ratio: format(p50 / floorP50, 2) + "×", target: "≤ 70 µs and ≤ 1.5×",
                  met: p50 <= 70 && p50 / floorP50 <= 1.5)
        table.add("GetStatus, 1 client (µs p99)", sscard: format(p99), comparison: format(floorP99) + " floor",
                  ratio: format(p99 / floorP99, 2) + "×", target: "≤ 250 µs", met: p99 <= 250)
        log("\(Date()): latency measured")

        // GetStatus throughput, 16 clients on their own connections.
        var daemonRates: [Double] = [], floorRates: [Double] = []
        var daemonCPU: [Double] = [], floorCPU: [Double] = []
        for round in 0..<throughputRounds {
            let measureDaemon = {
                let before = rig.cpuSeconds(rig.daemonPID)
                let rate = try throughput(rig.daemonSocket, requests)
                daemonRates.append(rate)
                daemonCPU.append((rig.cpuSeconds(rig.daemonPID) - before) / (rate * roundSeconds) * 1e6)
            }
            let measureFloor = {
                let before = rig.cpuSeconds(rig.floorPID)
                let rate = try throughput(rig.floorSocket, requests)
                floorRates.append(rate)
                floorCPU.append((rig.cpuSeconds(rig.floorPID) - before) / (rate * roundSeconds) * 1e6)
            }
            if round % 2 == 0 { try measureDaemon(); try measureFloor() } else { try measureFloor(); try measureDaemon() }
        }
        let rate = Samples(daemonRates).median, floorRate = Samples(floorRates).median
        table.add("GetStatus, \(clients) clients (calls/s, median of \(throughputRounds))", sscard: formatRate(rate),
                  comparison: formatRate(floorRate) + " floor", ratio: format(rate / floorRate, 2) + "×",
                  target: "≥ 60,000/s and ≥ 0.45×", met: rate >= 60_000 && rate / floorRate >= 0.45)
        log("\(Date()): status throughput measured; server CPU per call: sscardd \(format(Samples(daemonCPU).median)) µs, "
            + "floor \(format(Samples(floorCPU).median)) µs")

        // Durable ReportLoss/ReleaseLoss, 16 clients; the comparison is the same
        // flips by 16 threads calling the registry in process (group commit, no socket).
        let inProcess = try InProcessRegistry(path: rig.registryPath)
        var mutationRates: [Double] = [], inProcessRates: [Double] = []
        var batches: [Double] = []
        for round in 0..<throughputRounds {
            let measureDaemon = { mutationRates.append(try mutations(rig.daemonSocket, round: round)) }
            let measureInProcess = {
                let (rate, batch) = try inProcess.flips(threads: clients, seconds: roundSeconds, cards: cards, round: round)
                inProcessRates.append(rate)
                batches.append(batch)
            }
            if round % 2 == 0 { try measureDaemon(); try measureInProcess() } else { try measureInProcess(); try measureDaemon() }
        }
        try inProcess.close()
        let mutationRate = Samples(mutationRates).median, inProcessRate = Samples(inProcessRates).median
        table.add("durable ReportLoss/ReleaseLoss, \(clients) clients (/s, median of \(throughputRounds))",
                  sscard: formatRate(mutationRate),
                  comparison: formatRate(inProcessRate) + " in process, avg batch \(format(Samples(batches).median))",
                  ratio: format(mutationRate / inProcessRate, 2) + "×", target: "≥ 25,000/s", met: mutationRate >= 25_000)
        log("\(Date()): mutations measured")
        let flushes = DiskProbe.flushesPerSecond(besides: path)
        table.add("disk: 4 KiB append + fdatasync, × \(clients) (ceiling with batches of \(clients))", sscard: "–",
                  comparison: formatRate(flushes) + " × \(clients) = " + formatRate(flushes * Double(clients)),
                  ratio: format(mutationRate / (flushes * Double(clients)), 2) + "×", target: "(context)", met: true)
        return table
    }

    /// One client, one call at a time; nanoseconds per call.
    func latency(_ socket: String, _ requests: ArraySlice<[UInt8]>) throws -> [Double] {
        let client = try RawClient(path: socket)
        var samples: [Double] = []
        samples.reserveCapacity(requests.count)
        for request in requests {
            let start = monotonicNanoseconds()
            try client.exchange(request)
            samples.append(Double(monotonicNanoseconds() - start))
        }
        return samples
    }

    /// `clients` threads, each on its own connection, calling back to back
    /// for `roundSeconds`; calls per second.
    func throughput(_ socket: String, _ requests: [[UInt8]]) throws -> Double {
        try ClientThreads(count: clients, socket: socket, seconds: roundSeconds).run { index, client, shouldStop in
            var calls = 0, position = index * 1_237
            while !shouldStop() {
                try client!.exchange(requests[position % requests.count])
                position += 1
                calls += 1
            }
            return calls
        }
    }

    /// Each client reports a temporary loss on its next card and releases it,
    /// on cards no other client touches; every call is one durable change.
    func mutations(_ socket: String, round: Int) throws -> Double {
        let slice = cards / 2 / clients
        return try ClientThreads(count: clients, socket: socket, seconds: roundSeconds).run { index, client, shouldStop in
            var calls = 0, next = 0
            while !shouldStop() {
                let number = BulkLoad.cardNumber(index * slice + (round * 5_003 + next) % slice)
                next += 1
                let client = client!
                let report = try client.call(Array(("{\"method\":\"\(RegistryMethod.reportLoss.name)\",\"parameters\":{\"kind\":\"temporary\","
                    + "\"cardNumber\":\"\(number)\",\"evidence\":{\"document\":\"idCard\"}}}\0").utf8))
                let release = try client.call(Array(("{\"method\":\"\(RegistryMethod.releaseLoss.name)\",\"parameters\":{"
                    + "\"cardNumber\":\"\(number)\",\"evidence\":{\"document\":\"idCard\"}}}\0").utf8))
                guard !report.contains("\"error\""), !release.contains("\"error\"") else {
                    throw BenchmarkFailure("mutation refused: \(report) / \(release)")
                }
                calls += 2
            }
            return calls
        }
    }
}

/// The comparison for durable mutations: the registry in this process, on
/// the same file, the same flips from 16 threads, through its group commit.
final class InProcessRegistry: @unchecked Sendable {
    let store: SQLiteRegistryStore
    let registry: Registry

    init(path: String) throws {
        store = try SQLiteRegistryStore(path: path)
        registry = Registry(store: store, servicePoint: "bench")
    }

    func close() throws { try store.close() }

    /// Cards from the upper half of the registry, so sscardd's clients and
    /// these threads never touch the same card.
    func flips(threads: Int, seconds: Double, cards: Int, round: Int) throws -> (rate: Double, batch: Double) {
        try Self.flips(registry, store, threads: threads, seconds: seconds, first: cards / 2,
                       slice: cards / 2 / threads, round: round)
    }

    /// `threads` threads each reporting and releasing temporary losses on
    /// their own `slice` of cards from `first`, for `seconds`: changes a
    /// second, and the average group-commit batch.
    static func flips(_ registry: Registry, _ store: SQLiteRegistryStore, threads: Int, seconds: Double,
                      first: Int, slice: Int, round: Int) throws -> (rate: Double, batch: Double) {
        let before = store.commitStatistics
        let rate = try ClientThreads(count: threads, socket: nil, seconds: seconds).run { index, _, shouldStop in
            var changes = 0, next = 0
            while !shouldStop() {
                let number = CardNumber(storedValue: BulkLoad.cardNumber(first + index * slice + (round * 5_003 + next) % slice))
                next += 1
                let request = CardRequest(cardNumber: number, actor: RegistryBenchmark.actor, evidence: Evidence(document: .idCard))
                _ = try registry.reportLoss(.temporary, request)
                _ = try registry.releaseLoss(request)
                changes += 2
            }
            return changes
        }
        let after = store.commitStatistics
        return (rate, Double(after.writes - before.writes) / Double(max(1, after.transactions - before.transactions)))
    }
}

/// Threads that each get a connection (when given a socket), start together
/// and work until the round's time is up. Returns operations per second.
struct ClientThreads {
    var count: Int
    var socket: String?
    var seconds: Double

    func run(_ body: @escaping @Sendable (Int, RawClient?, () -> Bool) throws -> Int) throws -> Double {
        let clients = try (0..<count).map { _ in try socket.map(RawClient.init(path:)) }
        let results = Results(count: count)
        let go = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        let deadline = Deadline()
        for index in 0..<count {
            group.enter()
            let client = clients[index]
            Thread.detachNewThread {
                defer { group.leave() }
                go.wait()
                do {
                    let done = try body(index, client) { monotonicNanoseconds() >= deadline.nanoseconds }
                    results.set(index, done, monotonicNanoseconds())
                } catch {
                    results.fail(error)
                }
            }
        }
        let start = monotonicNanoseconds()
        deadline.nanoseconds = start + UInt64(seconds * 1e9)
        for _ in 0..<count { go.signal() }
        group.wait()
        if let error = results.failure { throw error }
        return Double(results.total) / (Double(results.lastFinish - start) / 1e9)
    }

    final class Deadline: @unchecked Sendable {
        var nanoseconds: UInt64 = .max
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        private var finish: UInt64 = 0
        private(set) var failure: Error?
        init(count: Int) { counts = Array(repeating: 0, count: count) }
        func set(_ index: Int, _ value: Int, _ at: UInt64) {
            lock.withLock { counts[index] = value; finish = max(finish, at) }
        }
        func fail(_ error: Error) { lock.withLock { if failure == nil { failure = error } } }
        var total: Int { lock.withLock { counts.reduce(0, +) } }
        var lastFinish: UInt64 { lock.withLock { finish } }
    }
}

/// A blocking Unix-socket client for NUL-terminated messages: one request,
/// then read until the reply's terminator. No JSON: the same bytes go to
/// sscardd and to the floor.
final class RawClient: @unchecked Sendable {
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 65_536)

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchmarkFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)) + [0])
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw BenchmarkFailure("connect \(path): \(reason)")
        }
    }

    deinit { Glibc.close(descriptor) }

    /// Sends one request (NUL included) and reads its reply; returns the reply's length.
    @discardableResult
    func exchange(_ request: [UInt8]) throws -> Int {
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else {
                if n < 0 && errno == EINTR { continue }
                throw BenchmarkFailure("send: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
        var have = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + have, $0.count - have, 0) }
            guard n > 0 else {
                if n < 0 && errno == EINTR { continue }
                throw BenchmarkFailure("recv: \(n == 0 ? "connection closed" : String(cString: strerror(errno)))")
            }
            have += n
            if buffer[have - 1] == 0 { return have - 1 }
            guard have < buffer.count else { throw BenchmarkFailure("reply too large") }
        }
    }

    /// The same, returning the reply as text.
    func call(_ request: [UInt8]) throws -> String {
        let length = try exchange(request)
        return String(decoding: buffer[0..<length], as: UTF8.self)
    }
}

/// sscardd and the floor as child processes on a private state directory.
final class DaemonRig {
    let directory: String
    let registryPath: String
    let daemonSocket: String
    let floorSocket: String
    private var children: [Process] = []

    init(registry: String) throws {
        let executables = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]).deletingLastPathComponent()
        directory = (registry as NSString).deletingLastPathComponent + "/sscard-bench-daemon.\(getpid())"
        registryPath = directory + "/registry.sqlite"
        daemonSocket = directory + "/sscard.sock"
        floorSocket = directory + "/floor.sock"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A hard link, so nothing is copied; both servers then open the one
        // name (a database reached by two names would get two WAL files).
        guard link(registry, registryPath) == 0 else {
            throw BenchmarkFailure("cannot link \(registry) into \(directory): \(String(cString: strerror(errno)))")
        }
        try Self.configuration(directory: directory, socket: daemonSocket)
            .write(toFile: directory + "/sscardd.conf", atomically: true, encoding: .utf8)
        do {
            // SSCARD_BENCH_SSCARDD names another sscardd build, for before/after comparisons.
            let daemon = ProcessInfo.processInfo.environment["SSCARD_BENCH_SSCARDD"].map(URL.init(fileURLWithPath:))
                ?? executables.appendingPathComponent("sscardd")
            let log = Pipe()
            try launch(daemon, ["--config", directory + "/sscardd.conf"], standardError: log)
            try launch(executables.appendingPathComponent("sscard-bench-floor"), [floorSocket, registryPath])
            try waitForSocket(daemonSocket)
            try waitForSocket(floorSocket)
            // Measure the steady state: wait until sscardd's status cache is loaded.
            try waitForLine(containing: "status cache holds", in: log)
        } catch {
            stop()
            throw error
        }
    }

    /// The benchmarks' sscardd configuration: this user as admin, 16
    /// workers, notice-level logs (the "listening" and "status cache" lines).
    static func configuration(directory: String, socket: String, extra: String = "") -> String {
        """
        state-directory = \(directory)
        socket-path = \(socket)
        socket-group =
        service-point = bench
        admin-group = \(getgid())
        worker-threads = 16
        log-level = notice
        \(extra)

        """
    }

    var daemonPID: Int32 { children[0].processIdentifier }
    var floorPID: Int32 { children[1].processIdentifier }

    /// User plus system CPU time a process has used, from /proc.
    func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based, whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func launch(_ executable: URL, _ arguments: [String], standardError: Pipe? = nil) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let standardError { process.standardError = standardError }
        try process.run()
        children.append(process)
    }

    private func waitForSocket(_ path: String) throws {
        let deadline = monotonicNanoseconds() + 60_000_000_000
        while monotonicNanoseconds() < deadline {
            if (try? RawClient(path: path)) != nil { return }
            guard children.allSatisfy(\.isRunning) else { throw BenchmarkFailure("a server exited at start") }
            usleep(20_000)
        }
        throw BenchmarkFailure("\(path) did not accept within 60 s")
    }

    /// Reads the daemon's log until a line contains `text`; the rest of the
    /// log goes on to this process's standard error.
    private func waitForLine(containing text: String, in pipe: Pipe) throws {
        var pending = Data()
        while true {
            let chunk = pipe.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchmarkFailure("sscardd exited before: \(text)") }
            pending += chunk
            if String(decoding: pending, as: UTF8.self).contains(text) { break }
        }
        FileHandle.standardError.write(pending)
        let reading = pipe.fileHandleForReading
        Thread.detachNewThread {
            while case let chunk = reading.availableData, !chunk.isEmpty { FileHandle.standardError.write(chunk) }
        }
    }

    /// SIGTERM to both, wait, and remove the state directory (the registry
    /// file itself stays, checkpointed by sscardd as it closed).
    func stop() {
        for child in children where child.isRunning { child.terminate() }
        for child in children { child.waitUntilExit() }
        children = []
        try? FileManager.default.removeItem(atPath: directory)
    }
}
