import Foundation
import Glibc
import SSCardInterfaces
import SSCardRig
import SSCardValues
import Varlink

/// Crash: clients hammer mutations while sscardd is SIGKILLed at a seeded
/// random point; after each restart the registry must hold every
/// acknowledged change, no half-applied one, an intact audit chain and the
/// acknowledged loss deadlines (docs/reliability.md, "Crash").
enum CrashScenario {
    static let scenario = FaultScenario(
        name: "crash", summary: "SIGKILL sscardd under concurrent mutations; acknowledged changes survive", run: run)

    static func run(_ options: FaultOptions) throws -> [FaultCheck] {
        let rounds = options.integer("crash.rounds", full: 100, quick: 10)
        let clientCount = options.integer("crash.clients", full: 8, quick: 8)
        let cardsPerClient = options.integer("crash.cards", full: 4, quick: 4)
        // The kill comes after a random number (1...this) of acknowledged calls in the round.
        let killWindow = options.integer("crash.kill-window", full: 300, quick: 150)
        var random = SeededRandom(seed: options.seed)

        let rig = try DaemonRig()
        let setup = try VarlinkClient(path: rig.socketPath, timeout: .seconds(30))
        var clients: [CrashClient] = []
        for index in 0..<clientCount {
            var cards: [CardLedger] = []
            for slot in 0..<cardsPerClient {
                let holder = FaultHolder(index: index * cardsPerClient + slot)
                let number = try holder.issue(setup)
                let entries = try setup.call(RegistryMethod.history.name,
                                             .fields([.cardNumber: .string(number), .limit: 100_000]))[.entries]?.array ?? []
                cards.append(CardLedger(cardNumber: number, position: CardPosition(state: "active"), entries: entries.count))
            }
            clients.append(CrashClient(index: index, cards: cards, firstHolder: 1_000 + index * 4_000,
                                       seed: options.seed &+ UInt64(index + 1) &* 0x9E37_79B9))
        }
        setup.close()

        var findings = CrashCheck.Findings()
        var restarts: [Double] = []
        for round in 1...rounds {
            let killAfter = Int.random(in: 1...killWindow, using: &random)
            let extraMicroseconds = UInt32.random(in: 0..<2_000, using: &random)
            let progress = RoundProgress(clients: clientCount)
            let group = DispatchGroup()
            for client in clients {
                group.enter()
                Thread.detachNewThread {
                    client.hammer(socketPath: rig.socketPath) { progress.acknowledged() }
                    progress.ended()
                    group.leave()
                }
            }
            progress.wait(untilAcknowledged: killAfter)
            // A random moment after the chosen reply, not a synchronization: any point is fair game.
            usleep(extraMicroseconds)
            let killedAt = Date()
            rig.stop(signal: SIGKILL)
            group.wait()
            let surprises = clients.flatMap(\.surprises)
            guard surprises.isEmpty else {
                throw FaultFailure("round \(round): replies the lifecycle does not allow: \(surprises.prefix(3).joined(separator: "; "))")
            }

            let started = Date()
            try rig.start()
            restarts.append(Date().timeIntervalSince(started))
            let checker = try VarlinkClient(path: rig.socketPath, timeout: .seconds(60))
            try CrashCheck(client: checker).run(clients, killedAt: killedAt, round: round, into: &findings)
            checker.close()
            FileHandle.standardError.write(Data(
                "crash: round \(round)/\(rounds): killed after \(killAfter) replies, \(findings.acknowledged) acknowledged so far\n".utf8))
        }
        rig.stop()

        let sorted = restarts.sorted()
        let median = sorted[sorted.count / 2] * 1000, worst = (sorted.last ?? 0) * 1000
        return CrashCheck.Kind.allCases.map { kind in
            let problems = findings.problems[kind] ?? []
            let figure: String
            switch kind {
            case .acknowledgedPresent:
                figure = "\(findings.acknowledged) acknowledged over \(rounds) kills; \(findings.inFlight) in flight, "
                    + "\(findings.inFlightApplied) of them applied"
            case .nothingHalfApplied: figure = "\(clientCount * cardsPerClient) cards × \(rounds) rounds"
            case .auditIntact: figure = "\(rounds)/\(rounds) restarts, \(findings.auditEntries) entries at the end"
            case .deadlinesIntact: figure = "\(findings.deadlines) deadlines checked"
            }
            return FaultCheck(scenario: "crash", check: kind.rawValue, passed: problems.isEmpty,
                              figure: problems.isEmpty ? figure : "\(problems.count) problems, e.g. \(problems[0])")
        } + [FaultCheck(scenario: "crash", check: "restart after SIGKILL until listening", passed: true,
                        figure: String(format: "median %.0f ms, max %.0f ms (%d restarts)", median, worst, restarts.count))]
    }
}

/// The round's acknowledged calls, so that the kill waits for the chosen
/// reply (or for every client to have stopped) instead of for a time.
final class RoundProgress: @unchecked Sendable {
    private let condition = NSCondition()
    private var count = 0
    private var running: Int

    init(clients: Int) { running = clients }

    func acknowledged() { condition.withLock { count += 1; condition.broadcast() } }
    func ended() { condition.withLock { running -= 1; condition.broadcast() } }

    func wait(untilAcknowledged target: Int) {
        condition.withLock { while count < target && running > 0 { condition.wait() } }
    }
}
