import Foundation
import Registry
import SQLiteStore
import SSCardValues

/// The registry benchmark (issue: card registry). Every figure is measured
/// beside a plain-SQLite comparison in the same run, on the same file.
struct RegistryBenchmark {
    var path: String
    var cards: Int
    var statusQueries = 200_000
    var singleWriter = SingleWriterRounds()
    var concurrentWriters = 16
    var changesPerWriter = 2_000
    var burst = 100_000

    static let actor = Actor(id: "bench", role: .operator, channel: .counter, servicePoint: "bench")

    func run() throws -> BenchmarkTable {
        var table = BenchmarkTable()
        var generator = SeededRandom(seed: 42)
        let loadTime = try seconds { try BulkLoad.ensure(path: path, count: cards) }
        log("registry of \(cards) cards ready at \(path) (\(format(loadTime)) s)")
        try resetLosses()
        let tidy = try Connection(path: path)
        try tidy.checkpoint(truncate: true)  // start every run from an empty write-ahead log
        try tidy.close()

        // Opening.
        var opens: [Double] = []
        var plainOpens: [Double] = []
        for _ in 0..<5 {
            opens.append(try seconds {
                let store = try SQLiteRegistryStore(path: path)
                let registry = Registry(store: store, servicePoint: "bench")
                _ = try registry.status(of: CardNumber(storedValue: BulkLoad.cardNumber(1)))
                try store.close()
            })
            plainOpens.append(PlainSQLite.openAndQuery(path: path, cardNumber: BulkLoad.cardNumber(1)))
        }
        let open = Samples(opens).median * 1000, plainOpen = Samples(plainOpens).median * 1000
        table.add("open registry (ms, median of 5)", sscard: format(open, 2), comparison: format(plainOpen, 2) + " plain open",
                  ratio: format(open / plainOpen, 1) + "×", target: "≤ 100 ms", met: open <= 100)

        let rssBefore = residentKiB()
        let store = try SQLiteRegistryStore(path: path)
        defer { try? store.close() }
        let warmUp = seconds { store.waitForStatusCacheWarmUp() }
        let cached = store.statusCache?.count ?? 0
        let rssAfter = residentKiB()
        table.add("status cache warm-up after open (s, in background)", sscard: "\(format(warmUp, 2)) s, \(cached) cards",
                  comparison: "RSS +\((rssAfter - rssBefore) / 1024) MiB", ratio: "–", target: "open not delayed",
                  met: cached == min(cards, store.statusCache?.capacity ?? 0))
        let clock = ManualClock(SystemClock().now())
        let registry = Registry(store: store, clock: clock, servicePoint: "bench")

        log("\(Date()): open measured")
        // Status by card number, in process.
        let numbers = (0..<statusQueries).map { _ in BulkLoad.cardNumber(Int.random(in: 0..<cards, using: &generator)) }
        let typed = numbers.map(CardNumber.init(storedValue:))
        /// Each query timed alone, after 10,000 untimed ones warm the pool and pages.
        func timeStatus(_ registry: Registry) throws -> [Double] {
            for number in typed.prefix(10_000) { _ = try registry.status(of: number) }
            var samples: [Double] = []
            samples.reserveCapacity(typed.count)
            for number in typed {
                let start = monotonicNanoseconds()
                _ = try registry.status(of: number)
                samples.append(Double(monotonicNanoseconds() - start))
            }
            return samples
        }
        let samples = try timeStatus(registry)
        let plain = PlainSQLite(path: path)
        let plainSamples = Samples(plain.pointQueryNanoseconds(numbers))
        let status = Samples(samples)
        // The same queries with the cache off: what a miss costs.
        let uncachedStore = try SQLiteRegistryStore(path: path, statusCache: 0)
        let uncachedRegistry = Registry(store: uncachedStore, clock: clock, servicePoint: "bench")
        let uncachedSamples = try timeStatus(uncachedRegistry)
        try uncachedStore.close()
        let uncached = Samples(uncachedSamples)
        table.add("status by card number, cache off (µs p50 / p99)",
                  sscard: "\(format(uncached.median / 1000, 2)) / \(format(uncached.percentile(99) / 1000, 2))",
                  comparison: "\(format(plainSamples.median / 1000, 2)) / \(format(plainSamples.percentile(99) / 1000, 2)) plain",
                  ratio: format(uncached.median / plainSamples.median, 2) + "×", target: "(miss path)", met: true)
        table.add("status by card number, in process (µs p50 / p99)",
                  sscard: "\(format(status.median / 1000, 2)) / \(format(status.percentile(99) / 1000, 2))",
                  comparison: "\(format(plainSamples.median / 1000, 2)) / \(format(plainSamples.percentile(99) / 1000, 2)) plain",
                  ratio: format(status.median / plainSamples.median, 2) + "×", target: "≤ 5 µs p50",
                  met: status.median <= 5000)

        log("\(Date()): status measured")
        // Durable mutations, one writer: alternating rounds against the plain loop.
        try resetLosses()
        let single = try singleWriter.measure(registry, plain, cards: cards)
        let singleRate = single.sscard, plainSingle = single.plain
        table.add("durable mutations, 1 writer (median of \(singleWriter.rounds) alternating rounds; CPU µs a change)",
                  sscard: "\(formatRate(singleRate)); \(format(single.sscardCPU, 0)) µs",
                  comparison: "\(formatRate(plainSingle)) plain, 1/txn; \(format(single.plainCPU, 0)) µs",
                  ratio: format(single.ratio, 2) + "×", target: "≥ 5,000/s and ≥ 0.6×",
                  met: singleRate >= 5000 && single.ratio >= 0.6)

        log("\(Date()): single writer measured")
        let flushes = DiskProbe.flushesPerSecond(besides: path)
        table.add("disk: 4 KiB append + fdatasync (the ceiling of any durable writer)", sscard: "–",
                  comparison: formatRate(flushes), ratio: format(singleRate / flushes, 2) + "× (1 writer)",
                  target: "(context)", met: true)
        // Durable mutations, 16 writers through group commit.
        let before = store.commitStatistics
        let writers = concurrentWriters, perWriter = changesPerWriter, cardCount = cards
        let slice = cardCount / writers
        let writerNumbers = (0..<writers).map { writer in
            (0..<perWriter).map { i in CardNumber(storedValue: BulkLoad.cardNumber(writer * slice + (i * 7919) % slice)) }
        }
        let concurrentSeconds = try seconds {
            let group = DispatchGroup()
            let failures = Failures()
            for writer in 0..<writers {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    // Each writer owns a disjoint slice of cards.
                    var lost = Set<CardNumber>()
                    for number in writerNumbers[writer] {
                        do { try Self.flip(registry, number, lost: &lost) } catch { failures.add(error) }
                    }
                }
            }
            group.wait()
            if let error = failures.first { throw error }
        }
        let after = store.commitStatistics
        let concurrentRate = Double(writers * perWriter) / concurrentSeconds
        let batch = Double(after.writes - before.writes) / Double(max(1, after.transactions - before.transactions))
        let plainBatched = plain.writeLoop(numbers: (0..<writers * perWriter).map { BulkLoad.cardNumber(($0 * 104_729) % cards) },
                                           perTransaction: 16)
        table.add("durable mutations, \(writers) writers (group commit, avg batch \(format(batch)))",
                  sscard: formatRate(concurrentRate), comparison: formatRate(plainBatched) + " plain, 16/txn",
                  ratio: format(concurrentRate / plainBatched, 2) + "×", target: "≥ 50,000/s", met: concurrentRate >= 50_000)

        log("\(Date()): concurrent writers measured")
        // 100,000 auto-releases whose deadlines fall in the same second.
        let deadline = clock.now().adding(days: 7)
        let burstCards = (0..<burst).map { ($0 * 9973) % cards }
        try resetLosses()
        try markLost(burstCards, deadline: deadline)
        clock.set(deadline)
        var released = 0
        let releaseSeconds = try seconds { released = try registry.releaseExpiredLosses() }
        guard released == burst else { throw BenchmarkFailure("released \(released) of \(burst)") }
        try markLost(burstCards, deadline: deadline)
        let plainRelease = plain.writeLoop(numbers: burstCards.map(BulkLoad.cardNumber), perTransaction: 2000)
        table.add("\(burst) auto-releases due in one second (s)", sscard: format(releaseSeconds, 2),
                  comparison: format(Double(burst) / plainRelease, 2) + " s plain, 2000/txn",
                  ratio: format(releaseSeconds / (Double(burst) / plainRelease), 2) + "×", target: "≤ 2 s",
                  met: releaseSeconds <= 2)
        return table
    }

    /// Reports a temporary loss, or releases it: one durable change with its audit entry.
    /// Reports a temporary loss, or releases it: one durable change with its
    /// audit entry. `lost` tracks which of the caller's cards are lost, so the
    /// timed loop does no extra query (the plain loop does none either).
    static func flip(_ registry: Registry, _ number: CardNumber, lost: inout Set<CardNumber>) throws {
        let request = CardRequest(cardNumber: number, actor: Self.actor, evidence: Evidence(document: .idCard))
        if lost.remove(number) != nil {
            _ = try registry.releaseLoss(request)
        } else {
            _ = try registry.reportLoss(.temporary, request)
            lost.insert(number)
        }
    }

    /// Puts cards the write phases left lost back to active, so the burst
    /// releases exactly the cards it marks.
    func resetLosses() throws {
        let db = try Connection(path: path)
        try db.run("UPDATE cards SET state = 'active', previous_state = NULL, loss_deadline = NULL "
                       + "WHERE loss_deadline IS NOT NULL")
        try db.close()
    }

    func markLost(_ cards: [Int], deadline: Timestamp) throws {
        let db = try Connection(path: path)
        try db.transaction {
            for n in cards {
                try db.run("UPDATE cards SET state = 'temporarilyLost', previous_state = 'active', loss_deadline = ? "
                               + "WHERE card_number = ?", [.integer(deadline.milliseconds), .text(BulkLoad.cardNumber(n))])
            }
        }
        try db.close()
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func add(_ error: Error) { lock.withLock { errors.append(error) } }
    var first: Error? { lock.withLock { errors.first } }
}

func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
