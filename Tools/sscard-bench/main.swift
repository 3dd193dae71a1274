// sscard-bench: performance figures, each beside a comparison measured in the same run.
//
//   sscard-bench registry [--cards N] [--path FILE]
//   sscard-bench daemon [--cards N] [--path FILE]
//   sscard-bench shared [--cards N] [--directory DIR] [--rounds N] [--seconds S]
//   sscard-bench batch [--rows N] [--directory DIR]
//   sscard-bench all [--cards N] [--quick] [--path FILE] [--card-script FILE]
//
// Build with -c release; see docs/benchmarks.md for the method.
import Foundation
import Registry
import SSCardValues

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

switch arguments.first {
case "registry":
    var benchmark = RegistryBenchmark(path: option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite",
                                      cards: Int(option("--cards") ?? "") ?? 1_000_000)
    if benchmark.cards < 200_000 { benchmark.burst = benchmark.cards / 2 }
    printTable { try benchmark.run() }
case "status-loop":
    // For profilers: only status queries against an existing registry file.
    let path = option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite"
    let count = Int(option("--count") ?? "") ?? 200_000
    do {
        let store = try SQLiteRegistryStore(path: path, statusCache: arguments.contains("--no-cache") ? 0 : 1_000_000)
        let warm = seconds { store.waitForStatusCacheWarmUp() }
        print("warm-up \(format(warm, 2)) s, \(store.statusCache?.count ?? 0) cached, RSS \(residentKiB() / 1024) MiB")
        let registry = Registry(store: store, servicePoint: "bench")
        var generator = SeededRandom(seed: 1)
        let cards = Int(option("--cards") ?? "") ?? 1_000_000
        let numbers = (0..<count).map { _ in
            CardNumber(storedValue: BulkLoad.cardNumber(Int.random(in: 0..<cards, using: &generator)))
        }
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for number in numbers {
            let start = monotonicNanoseconds()
            _ = try registry.status(of: number)
            samples.append(Double(monotonicNanoseconds() - start))
        }
        let status = Samples(samples)
        print("\(count) status queries: p50 \(format(status.median / 1000, 2)) µs, p99 \(format(status.percentile(99) / 1000, 2)) µs")
        try store.close()
    } catch {
        log("status-loop failed: \(error)")
        exit(2)
    }
case "write-loop":
    // For profilers and quick checks: one writer, sscard against the plain
    // loop in alternating rounds, on an existing registry file.
    let path = option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite"
    var rounds = SingleWriterRounds()
    if let count = option("--rounds").flatMap(Int.init) { rounds.rounds = count }
    if let count = option("--changes").flatMap(Int.init) { rounds.changesPerRound = count }
    do {
        let store = try SQLiteRegistryStore(path: path, statusCache: 0)
        let registry = Registry(store: store, servicePoint: "bench")
        let figures = try rounds.measure(registry, PlainSQLite(path: path), cards: Int(option("--cards") ?? "") ?? 1_000_000)
        print("1 writer, median of \(rounds.rounds) rounds of \(rounds.changesPerRound): sscard \(formatRate(figures.sscard)) "
              + "(CPU \(format(figures.sscardCPU, 0)) µs a change), plain \(formatRate(figures.plain)) "
              + "(CPU \(format(figures.plainCPU, 0)) µs), ratio \(format(figures.ratio, 2))×")
        try store.close()
    } catch {
        log("write-loop failed: \(error)")
        exit(2)
    }
case "release-burst":
    // For profilers: N temporary losses due in the same second, released at once.
    let path = option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite"
    let cards = Int(option("--cards") ?? "") ?? 1_000_000
    let burst = Int(option("--count") ?? "") ?? 100_000
    do {
        let benchmark = RegistryBenchmark(path: path, cards: cards)
        let store = try SQLiteRegistryStore(path: path, statusCache: 0)
        let clock = ManualClock(SystemClock().now())
        let registry = Registry(store: store, clock: clock, servicePoint: "bench")
        let deadline = clock.now().adding(days: 7)
        try benchmark.resetLosses()
        try benchmark.markLost((0..<burst).map { ($0 * 9973) % cards }, deadline: deadline)
        clock.set(deadline)
        var released = 0
        let cpu = processCPUSeconds()
        let elapsed = try seconds { released = try registry.releaseExpiredLosses() }
        print("\(released) released in \(format(elapsed, 2)) s, CPU \(format((processCPUSeconds() - cpu) * 1e6 / Double(max(1, released)), 1)) µs each")
        try store.close()
    } catch {
        log("release-burst failed: \(error)")
        exit(2)
    }
case "group-commit":
    // Group commit against one transaction per call, 16 writers, alone.
    var benchmark = GroupCommitBenchmark(path: option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite",
                                         cards: Int(option("--cards") ?? "") ?? 1_000_000)
    if let rounds = option("--rounds").flatMap(Int.init) { benchmark.rounds = rounds }
    printTable { try benchmark.run() }
case "daemon":
    let benchmark = DaemonBenchmark(path: option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite",
                                    cards: Int(option("--cards") ?? "") ?? 1_000_000)
    printTable { try benchmark.run() }
case "shared":
    // Registry on PostgreSQL shared by 1, 2, 4 sscardd, beside SQLite (docs/scale.md).
    var benchmark = SharedRegistryBenchmark(cards: Int(option("--cards") ?? "") ?? 100_000)
    if let directory = option("--directory") { benchmark.directory = directory }
    if let rounds = option("--rounds").flatMap(Int.init) { benchmark.rounds = rounds }
    if let seconds = option("--seconds").flatMap(Double.init) { benchmark.roundSeconds = seconds }
    printTable { try benchmark.run() }
case "batch":
    // A production batch against a plain bulk insert, SQLite and PostgreSQL (docs/benchmarks.md).
    var benchmark = ProductionBatchBenchmark()
    if let rows = option("--rows").flatMap(Int.init) { benchmark.rows = rows }
    if let directory = option("--directory") { benchmark.directory = directory }
    printTable { try benchmark.run() }
case "all":
    // Every area in one run and one table (scripts/bench builds and runs this).
    let cards = option("--cards").map { Int($0) ?? 0 }
    if let cards, cards < 1_000 {
        log("--cards takes a whole number of at least 1000")
        exit(64)
    }
    let all = AllBenchmarks(cards: cards, quick: arguments.contains("--quick"),
                            path: option("--path"), cardScript: option("--card-script"))
    finish {
        let (report, met) = try all.run()
        print(report)
        return met
    }
default:
    log("usage: sscard-bench registry|daemon|shared [--cards N] [--path FILE] | all [--cards N] [--quick] [--path FILE] "
        + "[--card-script FILE] | status-loop [--path FILE] [--count N] | write-loop|release-burst|group-commit [--path FILE] [--cards N]")
    exit(64)
}

/// Prints a benchmark's table; exits 0 when every target is met, 1 when one
/// is missed, 2 when the benchmark itself failed.
func printTable(_ run: () throws -> BenchmarkTable) -> Never {
    finish {
        let table = try run()
        print(table.render())
        return table.rows.allSatisfy(\.met)
    }
}

func finish(_ run: () throws -> Bool) -> Never {
    do {
        exit(try run() ? 0 : 1)
    } catch {
        log("benchmark failed: \(error)")
        exit(2)
    }
}

