import Foundation
import Registry
import SSCardValues

/// What group commit buys: the same registry file, the same 16 writer
/// threads flipping cards (a temporary loss reported, then released: each a
/// durable change with its audit entry), once through group commit and once
/// with `maxBatch: 1`, which makes every call its own transaction and fsync.
/// Rounds alternate which side goes first, so machine load hits both alike.
///
/// Both sides open the store without a status cache: the cache's background
/// load would compete with the first rounds, and only the batching differs.
struct GroupCommitBenchmark {
    var path: String
    var cards: Int
    var writers = 16
    var rounds = 3
    var roundSeconds = 2.0
    /// The store's default batch limit, as sscardd opens it.
    var groupedBatch = 256

    func run() throws -> BenchmarkTable {
        try RegistryBenchmark(path: path, cards: cards).resetLosses()  // every flip starts from an active card
        var grouped: [Double] = [], single: [Double] = []
        var groupedBatches: [Double] = [], singleBatches: [Double] = []
        for round in 0..<rounds {
            let order = round % 2 == 0 ? [groupedBatch, 1] : [1, groupedBatch]
            for maxBatch in order {
                let (rate, batch) = try flips(maxBatch: maxBatch, round: round)
                if maxBatch == 1 {
                    single.append(rate)
                    singleBatches.append(batch)
                } else {
                    grouped.append(rate)
                    groupedBatches.append(batch)
                }
            }
        }
        let rate = Samples(grouped).median, singleRate = Samples(single).median
        var table = BenchmarkTable()
        table.add("durable mutations, \(writers) writers in process: group commit vs one transaction per call "
                      + "(/s, median of \(rounds))",
                  sscard: "\(formatRate(rate)), avg batch \(format(Samples(groupedBatches).median))",
                  comparison: "\(formatRate(singleRate)) maxBatch 1, avg batch \(format(Samples(singleBatches).median))",
                  ratio: format(rate / singleRate, 2) + "×", target: CombinedTable.noTarget, met: true)
        return table
    }

    /// One round: opens the store with `maxBatch`, runs the writers for
    /// `roundSeconds`, closes it. Group commit takes the lower half of the
    /// cards and one transaction per call the upper half, each writer its own
    /// slice, so no two threads or sides ever touch the same card.
    func flips(maxBatch: Int, round: Int) throws -> (rate: Double, batch: Double) {
        let store = try SQLiteRegistryStore(path: path, maxBatch: maxBatch, statusCache: 0)
        defer { try? store.close() }
        let registry = Registry(store: store, servicePoint: "bench")
        return try InProcessRegistry.flips(registry, store, threads: writers, seconds: roundSeconds,
                                           first: maxBatch == 1 ? cards / 2 : 0, slice: cards / 2 / writers, round: round)
    }
}
