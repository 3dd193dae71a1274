import Foundation
import SSCardInterfaces

/// Start-up and memory of sscardd on the full registry, each beside a
/// same-run comparison:
/// - process start → first GetStatus answer (and → "listening" in its log),
///   against the floor server's process start → first answer;
/// - process start → status cache loaded (its log line), against a plain
///   C-API scan of the same rows;
/// - resident memory once the cache is loaded, against sscardd with
///   `status-cache-cards = 0` at its first answer.
/// The four measurements alternate order round by round.
struct StartupBenchmark {
    var path: String
    var cards: Int
    var rounds = 3

    /// One sscardd start, in seconds from `Process.run()`.
    struct DaemonStart {
        var listening: Double
        var firstAnswer: Double
        var cacheLoaded: Double?
        /// How many cards the log says the cache holds once loaded.
        var cached: Int?
        var residentKiB: Int
    }

    func run() throws -> BenchmarkTable {
        var cached: [DaemonStart] = [], uncached: [DaemonStart] = []
        var floorStarts: [Double] = [], scans: [Double] = []
        for round in 0..<rounds {
            let steps: [() throws -> Void] = [
                // The shipped default, or the whole registry if it is larger.
                { cached.append(try daemon(statusCacheCards: max(cards, 1_000_000))) },
                { uncached.append(try daemon(statusCacheCards: 0)) },
                { floorStarts.append(try floor()) },
                { scans.append(try PlainSQLite.scanStatusesSeconds(path: path, expecting: cards)) },
            ]
            for step in round % 2 == 0 ? steps : steps.reversed() { try step() }
        }
        let ms = { (values: [Double]) in Samples(values).median * 1000 }
        let first = ms(cached.map(\.firstAnswer)), listening = ms(cached.map(\.listening)), floorFirst = ms(floorStarts)
        let loaded = Samples(cached.compactMap(\.cacheLoaded)).median, scan = Samples(scans).median
        let rss = Double(Samples(cached.map { Double($0.residentKiB) }).median) / 1024
        let rssWithout = Double(Samples(uncached.map { Double($0.residentKiB) }).median) / 1024
        log("sscardd without a status cache: first answer \(format(ms(uncached.map(\.firstAnswer)))) ms")

        var table = BenchmarkTable()
        table.add("sscardd process start → first GetStatus answer (ms, median of \(rounds))",
                  sscard: "\(format(first)) (listening logged at \(format(listening)))",
                  comparison: "\(format(floorFirst)) floor server start → first answer",
                  ratio: format(first / floorFirst, 1) + "×", target: CombinedTable.noTarget, met: true)
        table.add("sscardd process start → status cache loaded, \(cards) cards (s, median of \(rounds))",
                  sscard: format(loaded, 2), comparison: "\(format(scan, 2)) plain C-API scan of the same rows",
                  ratio: format(loaded / scan, 1) + "×", target: CombinedTable.noTarget, met: true)
        let held = cached.compactMap(\.cached).min() ?? 0
        let perCard = (rss - rssWithout) * 1024 * 1024 / Double(max(1, held))
        table.add("sscardd RSS, status cache loaded: \(held) of \(cards) cards (MiB, median of \(rounds))",
                  sscard: "\(format(rss)) (+\(Int(perCard.rounded())) B a card)",
                  comparison: "\(format(rssWithout)) with status-cache-cards = 0, at first answer",
                  ratio: format(rss / rssWithout, 1) + "×", target: CombinedTable.noTarget, met: true)
        return table
    }

    /// Starts sscardd on a hard link to the registry, times it to its first
    /// answer and its log lines, reads its RSS, and stops it.
    func daemon(statusCacheCards: Int) throws -> DaemonStart {
        try withStateDirectory { directory in
            let socket = directory + "/sscard.sock"
            try DaemonRig.configuration(directory: directory, socket: socket,
                                        extra: "status-cache-cards = \(statusCacheCards)")
                .write(toFile: directory + "/sscardd.conf", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = ProcessInfo.processInfo.environment["SSCARD_BENCH_SSCARDD"].map(URL.init(fileURLWithPath:))
                ?? Self.executables.appendingPathComponent("sscardd")
            process.arguments = ["--config", directory + "/sscardd.conf"]
            let logPipe = Pipe()
            process.standardError = logPipe
            let awaited = ["listening on"] + (statusCacheCards > 0 ? ["status cache holds"] : [])
            let watch = LogWatch(logPipe, process: "sscardd", awaiting: awaited)
            let start = monotonicNanoseconds()
            try process.run()
            defer { stop(process) }
            let answered = try firstAnswer(socket, process)
            let listening = try watch.time(of: "listening on", timeout: 300)
            let loaded = statusCacheCards > 0 ? try watch.time(of: "status cache holds", timeout: 600) : nil
            let resident = residentKiB(pid: process.processIdentifier)
            func since(_ at: UInt64) -> Double { Double(at - start) / 1e9 }
            // "status cache holds N cards (loaded in …)"
            let held = loaded.flatMap { Int($0.line.components(separatedBy: "holds ").last?.split(separator: " ").first ?? "") }
            return DaemonStart(listening: since(listening.at), firstAnswer: since(answered),
                               cacheLoaded: loaded.map { since($0.at) }, cached: held, residentKiB: resident)
        }
    }

    /// The floor server (sscard-bench-floor): process start → first answer.
    func floor() throws -> Double {
        try withStateDirectory { directory in
            let process = Process()
            process.executableURL = Self.executables.appendingPathComponent("sscard-bench-floor")
            process.arguments = [directory + "/floor.sock", directory + "/registry.sqlite"]
            let start = monotonicNanoseconds()
            try process.run()
            defer { stop(process) }
            return Double(try firstAnswer(directory + "/floor.sock", process) - start) / 1e9
        }
    }

    /// Connects as soon as the socket accepts and asks for one card's status;
    /// returns when the answer is in. Neither server says when it listens in
    /// a way both share, so both are timed the same way: a connect attempt
    /// every 0.2 ms from the moment the process is started.
    func firstAnswer(_ socket: String, _ process: Process) throws -> UInt64 {
        let request = Array("{\"method\":\"\(RegistryMethod.getStatus.name)\",\"parameters\":{\"cardNumber\":\"\(BulkLoad.cardNumber(cards / 3))\"}}\0".utf8)
        let deadline = monotonicNanoseconds() + 300_000_000_000
        while monotonicNanoseconds() < deadline {
            if let client = try? RawClient(path: socket) {
                let reply = try client.call(request)
                let at = monotonicNanoseconds()
                guard reply.contains("\"card\""), !reply.contains("\"error\"") else {
                    throw BenchmarkFailure("\(socket) answered \(reply)")
                }
                return at
            }
            guard process.isRunning else { throw BenchmarkFailure("\(process.executableURL!.lastPathComponent) exited at start") }
            usleep(200)
        }
        throw BenchmarkFailure("\(socket) did not answer within 300 s")
    }

    /// A fresh directory beside the registry holding a hard link to it (no
    /// copy), removed afterwards; the registry file itself stays.
    private func withStateDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent + "/sscard-bench-startup.\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard link(path, directory + "/registry.sqlite") == 0 else {
            throw BenchmarkFailure("cannot link \(path) into \(directory): \(String(cString: strerror(errno)))")
        }
        return try body(directory)
    }

    private func stop(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// sscardd and the floor are built beside this executable.
    static var executables: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]).deletingLastPathComponent()
    }
}
