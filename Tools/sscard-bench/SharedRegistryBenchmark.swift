import Foundation
import PostgreSQLStore
import RegistryPostgreSQL
import SQLiteStore
import SSCardInterfaces

/// The shared-registry benchmark (issue 7): GetStatus and durable mutations
/// with 16 clients spread over 1, 2 and 4 sscardd processes sharing one
/// durable PostgreSQL, beside one sscardd on SQLite in the same run; then
/// 100,000 temporary losses falling due at one instant with 4 daemons
/// watching, beside the same on the SQLite daemon.
///
/// Both registries hold `cards` active cards, bulk loaded with SQL (the same
/// identities as the SQLite benchmark's `BulkLoad`). Rounds alternate the
/// configurations, so background load on a shared machine hits all alike.
/// Latency is every call's round trip measured by its client while all 16
/// clients run (the p99 under load).
struct SharedRegistryBenchmark {
    var directory = "/var/tmp"
    var cards = 100_000
    var clients = 16
    var rounds = 3
    var roundSeconds = 3.0
    var releaseLead = 5.0

    struct Target {
        let name: String
        let sockets: [String]
    }

    struct Measurement {
        var rates: [Double] = []
        var samples: [Double] = []
        var rate: Double { Samples(rates).median }
        var p99: Double { Samples(samples).percentile(99) / 1e6 }
        var p50: Double { Samples(samples).median / 1e6 }
    }

    func run() throws -> BenchmarkTable {
        let sqlitePath = directory + "/sscard-bench-shared.sqlite"
        let loadSQLite = try seconds { try BulkLoad.ensure(path: sqlitePath, count: cards) }
        log("SQLite registry of \(cards) cards ready (\(format(loadSQLite)) s)")
        let server = try BenchmarkPostgreSQL(under: directory)
        defer { server.stop() }
        let database = "sscard_bench"
        try PGConnection(conninfo: server.conninfo).execute("CREATE DATABASE \(database)")
        let conninfo = server.conninfo(database: database)
        let loadPostgreSQL = try seconds { try Self.loadPostgreSQL(conninfo: conninfo, cards: cards) }
        log("PostgreSQL registry of \(cards) cards loaded (\(format(loadPostgreSQL)) s); fsync=\(server.setting("fsync")), "
                + "synchronous_commit=\(server.setting("synchronous_commit"))")

        let daemons = try BenchmarkDaemons(under: directory)
        defer { daemons.stop() }
        try FileManager.default.createDirectory(atPath: daemons.directory + "/sqlite", withIntermediateDirectories: true)
        guard link(sqlitePath, daemons.directory + "/sqlite/registry.sqlite") == 0 else {
            throw BenchmarkFailure("cannot link \(sqlitePath): \(String(cString: strerror(errno)))")
        }
        let sqliteSocket = try daemons.start("sqlite", "")
        var shared: [String] = []
        for index in 1...4 {
            shared.append(try daemons.start("bench-\(index)", "registry-engine = postgresql\npostgresql-conninfo = \(conninfo)"))
        }
        let targets = [Target(name: "SQLite, 1 sscardd", sockets: [sqliteSocket]),
                       Target(name: "PostgreSQL, 1 sscardd", sockets: Array(shared.prefix(1))),
                       Target(name: "PostgreSQL, 2 sscardd", sockets: Array(shared.prefix(2))),
                       Target(name: "PostgreSQL, 4 sscardd", sockets: shared)]
        for target in targets { try Self.check(target, card: BulkLoad.cardNumber(cards / 3)) }

        var status = Array(repeating: Measurement(), count: targets.count)
        var mutations = Array(repeating: Measurement(), count: targets.count)
        for round in 0..<rounds {
            for offset in 0..<targets.count {
                let index = (offset + round) % targets.count
                let (rate, samples) = try load(targets[index], round: round, mutate: false)
                status[index].rates.append(rate)
                status[index].samples += samples
            }
            for offset in 0..<targets.count {
                let index = (offset + round) % targets.count
                let (rate, samples) = try load(targets[index], round: round, mutate: true)
                mutations[index].rates.append(rate)
                mutations[index].samples += samples
            }
            log("\(Date()): round \(round + 1) of \(rounds) measured")
        }

        var table = BenchmarkTable()
        for (kind, measured) in [("GetStatus", status), ("ReportLoss/ReleaseLoss", mutations)] {
            let base = measured[0]
            for (index, target) in targets.enumerated() {
                let m = measured[index]
                table.add("\(kind), 16 clients, \(target.name)", sscard: "\(formatRate(m.rate)), p50 \(format(m.p50, 2)) ms, p99 \(format(m.p99, 2)) ms",
                          comparison: index == 0 ? "—" : "SQLite \(formatRate(base.rate)), p99 \(format(base.p99, 2)) ms",
                          ratio: index == 0 ? "—" : format(m.rate / base.rate, 2) + "× rate", target: "measured", met: m.rate > 0)
            }
        }

        // 100,000 deadlines at one instant: 4 daemons on PostgreSQL, then the SQLite daemon alone.
        let shared4 = try autoReleaseOnPostgreSQL(conninfo: conninfo, verifyThrough: shared[0])
        // Through the daemon's own name for the file: one file, one WAL.
        let single = try autoReleaseOnSQLite(path: daemons.directory + "/sqlite/registry.sqlite", verifyThrough: sqliteSocket)
        table.add("auto-release of \(cards) simultaneous deadlines, 4 sscardd on PostgreSQL",
                  sscard: "\(shared4.released) released in \(format(shared4.seconds, 2)) s (\(formatRate(Double(shared4.released) / shared4.seconds))); per daemon \(shared4.perDaemon)",
                  comparison: "SQLite, 1 sscardd: \(single.released) in \(format(single.seconds, 2)) s",
                  ratio: format(shared4.seconds / single.seconds, 2) + "× time",
                  target: "exactly \(cards), trails intact",
                  met: shared4.released == cards && shared4.distinct == cards && shared4.intact
                      && single.released == cards && single.intact)
        return table
    }

    /// A target answers GetStatus before anything is timed.
    static func check(_ target: Target, card: String) throws {
        for socket in target.sockets {
            let reply = try RawClient(path: socket).call(request(.getStatus, "\"cardNumber\":\"\(card)\""))
            guard reply.contains("\"card\""), !reply.contains("\"error\"") else {
                throw BenchmarkFailure("\(target.name) at \(socket) answered \(reply)")
            }
        }
    }

    static func request(_ method: RegistryMethod, _ parameters: String) -> [UInt8] {
        Array("{\"method\":\"\(method.name)\",\"parameters\":{\(parameters)}}\0".utf8)
    }

    /// 16 clients, client i on daemon i mod n, for one round; calls per second and every call's nanoseconds.
    func load(_ target: Target, round: Int, mutate: Bool) throws -> (Double, [Double]) {
        let clients = try (0..<self.clients).map { try RawClient(path: target.sockets[$0 % target.sockets.count]) }
        let collected = SampleSink()
        let cards = self.cards, count = self.clients
        let rate = try ClientThreads(count: count, socket: nil, seconds: roundSeconds).run { index, _, shouldStop in
            let client = clients[index]
            var samples: [Double] = []
            samples.reserveCapacity(50_000)
            var generator = SystemRandomNumberGenerator()
            let slice = cards / count
            var next = round * 7_919
            while !shouldStop() {
                if mutate {
                    // Cards of this client's own slice: no two clients touch one card.
                    let number = BulkLoad.cardNumber(index * slice + next % slice)
                    next += 1
                    for (method, extra) in [(RegistryMethod.reportLoss, "\"kind\":\"temporary\","), (.releaseLoss, "")] {
                        let start = monotonicNanoseconds()
                        let reply = try client.call(Self.request(method, extra + "\"cardNumber\":\"\(number)\",\"evidence\":{\"document\":\"idCard\"}"))
                        samples.append(Double(monotonicNanoseconds() - start))
                        guard !reply.contains("\"error\"") else { throw BenchmarkFailure("\(method) refused: \(reply)") }
                    }
                } else {
                    let number = BulkLoad.cardNumber(Int.random(in: 0..<cards, using: &generator))
                    let start = monotonicNanoseconds()
                    try client.exchange(Self.request(.getStatus, "\"cardNumber\":\"\(number)\""))
                    samples.append(Double(monotonicNanoseconds() - start))
                }
            }
            collected.add(samples)
            return samples.count
        }
        return (rate, collected.all)
    }

    final class SampleSink: @unchecked Sendable {
        private let lock = NSLock()
        private var samples: [Double] = []
        func add(_ more: [Double]) { lock.withLock { samples += more } }
        var all: [Double] { lock.withLock { samples } }
    }
}
