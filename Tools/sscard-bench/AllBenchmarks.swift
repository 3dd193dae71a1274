import Foundation

/// `sscard-bench all`: every benchmark in one run and one table, each figure
/// beside its same-run comparison (docs/benchmarks.md, "All benchmarks in one
/// table"). The areas run one after another; inside each, sscard and its
/// comparison alternate round by round, as in the per-area benchmarks.
struct AllBenchmarks {
    var path: String
    var cards: Int
    /// A small registry and short rounds: a smoke check of the whole command.
    var quick: Bool
    var cardScript: String

    static let quickCards = 20_000

    init(cards: Int?, quick: Bool, path: String?, cardScript: String?) {
        self.quick = quick
        self.cards = cards ?? (quick ? Self.quickCards : 1_000_000)
        // One file per size: BulkLoad rebuilds a file that holds another count.
        self.path = path ?? "/var/tmp/sscard-bench-\(self.cards)-cards.sqlite"
        self.cardScript = cardScript ?? "scripts/bench-card-read"
    }

    /// Runs every area and returns the report: header lines, the table, a verdict.
    func run() throws -> (report: String, allTargetsMet: Bool) {
        let started = Date()
        let machine = MachineReport.describe(registryPath: path)
        let load = LoadSampler()
        var table = CombinedTable()
        var durations: [String] = []
        func area(_ name: String, _ body: () throws -> BenchmarkTable) throws {
            log("\(Date()): \(name) …")
            var result = BenchmarkTable()
            let took = try seconds { result = try body() }
            durations.append("\(name) \(Int(took.rounded())) s")
            table.add(area: name, result)
            log("\(Date()): \(name) done in \(format(took)) s")
        }

        let loadTime = try seconds { try BulkLoad.ensure(path: path, count: cards) }
        log("registry of \(cards) cards ready at \(path) (\(format(loadTime)) s)")

        try area("card read") {
            try CardReadReport(script: cardScript, iterations: quick ? 100 : 500).run()
        }
        try area("registry, in process") {
            var registry = RegistryBenchmark(path: path, cards: cards)
            registry.burst = min(registry.burst, cards / 2)
            if quick {
                registry.statusQueries = 20_000
                registry.singleWriter = SingleWriterRounds(rounds: 2, changesPerRound: 200)
                registry.changesPerWriter = 100
            }
            return try registry.run()
        }
        try area("group commit") {
            var groupCommit = GroupCommitBenchmark(path: path, cards: cards)
            if quick { (groupCommit.rounds, groupCommit.roundSeconds) = (2, 1) }
            return try groupCommit.run()
        }
        try area("sscardd, socket") {
            var daemon = DaemonBenchmark(path: path, cards: cards)
            if quick {
                (daemon.latencyRounds, daemon.callsPerLatencyRound) = (2, 2_000)
                (daemon.throughputRounds, daemon.roundSeconds) = (2, 1)
            }
            return try daemon.run()
        }
        try area("production batch") {
            var batch = ProductionBatchBenchmark(rows: quick ? 10_000 : 100_000)
            batch.directory = (path as NSString).deletingLastPathComponent
            return try batch.run()
        }
        try area("start-up, memory") {
            try StartupBenchmark(path: path, cards: cards, rounds: quick ? 2 : 3).run()
        }

        let header = [
            "# sscard-bench all: \(cards) cards\(quick ? " (--quick)" : "")",
            "",
        ] + (machine + [
            load.finish(),
            "run: \(ISO8601DateFormatter().string(from: started)), \(Int(Date().timeIntervalSince(started).rounded())) s "
                + "(\(durations.joined(separator: ", ")); registry ready in \(Int(loadTime.rounded())) s, not counted)",
        ]).map { "- " + $0 }
        var footer = ["", table.verdict + "."]
        if !table.setAside.isEmpty {
            footer.append("Left out, having no same-run comparison: \(table.setAside.joined(separator: "; ")).")
        }
        return ((header + [""] + [table.render()] + footer).joined(separator: "\n"), table.allTargetsMet)
    }
}
