import Foundation
import Registry
import SSCardValues

/// Durable mutations from one writer: sscard's registry against the plain
/// C-API loop (one UPDATE and one audit INSERT per transaction), in
/// alternating rounds on the same file, so that a burst of load from other
/// work hits both sides alike. sscard flips cards in the lower half of the
/// registry and the plain loop in the upper half: neither side ever finds a
/// card in a state the other left it in.
struct SingleWriterRounds {
    var rounds = 8
    var changesPerRound = 500

    struct Figures {
        /// Median changes per second over the rounds.
        var sscard: Double
        var plain: Double
        /// Median process CPU (all threads) per change, in µs.
        var sscardCPU: Double
        var plainCPU: Double
        var ratio: Double { sscard / plain }
    }

    func measure(_ registry: Registry, _ plain: PlainSQLite, cards: Int, seed: UInt64 = 3) throws -> Figures {
        var generator = SeededRandom(seed: seed)
        let half = cards / 2
        var sscardRates: [Double] = [], plainRates: [Double] = []
        var sscardCPU: [Double] = [], plainCPU: [Double] = []
        var lost = Set<CardNumber>()
        for round in 0..<rounds {
            let ours = (0..<changesPerRound).map { _ in
                CardNumber(storedValue: BulkLoad.cardNumber(Int.random(in: 0..<half, using: &generator)))
            }
            let theirs = (0..<changesPerRound).map { _ in
                BulkLoad.cardNumber(half + Int.random(in: 0..<(cards - half), using: &generator))
            }
            func runOurs() throws {
                let cpu = processCPUSeconds()
                let elapsed = try seconds { for number in ours { try RegistryBenchmark.flip(registry, number, lost: &lost) } }
                sscardRates.append(Double(ours.count) / elapsed)
                sscardCPU.append((processCPUSeconds() - cpu) * 1e6 / Double(ours.count))
            }
            func runTheirs() {
                let cpu = processCPUSeconds()
                plainRates.append(plain.writeLoop(numbers: theirs, perTransaction: 1))
                plainCPU.append((processCPUSeconds() - cpu) * 1e6 / Double(theirs.count))
            }
            if round % 2 == 0 {
                try runOurs()
                runTheirs()
            } else {
                runTheirs()
                try runOurs()
            }
        }
        // Leave sscard's cards as they were found, through the registry.
        for number in lost { try RegistryBenchmark.flip(registry, number, lost: &lost) }
        return Figures(sscard: Samples(sscardRates).median, plain: Samples(plainRates).median,
                       sscardCPU: Samples(sscardCPU).median, plainCPU: Samples(plainCPU).median)
    }
}

/// User and system CPU time of the whole process so far, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
