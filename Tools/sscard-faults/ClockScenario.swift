import Foundation
import SSCardInterfaces
import SSCardRig
import Varlink

/// Clock: a running sscardd under libfaketime, its wall clock stepped across
/// temporary-loss deadlines: forward (released once, ≤ 1 s late), backward
/// (never early), up to the deadline (released within 1 s of it, not before),
/// and across a downtime (released at start-up, exactly once)
/// (docs/reliability.md, "Clock").
enum ClockScenario {
    static let scenario = FaultScenario(
        name: "clock", summary: "wall-clock steps and downtime across the 7-day loss deadline (libfaketime)", run: run)

    static func run(_ options: FaultOptions) throws -> [FaultCheck] {
        let samples = options.integer("clock.samples", full: 10, quick: 3)
        let window = Double(options.integer("clock.window-ms", full: 3_000, quick: 1_500)) / 1000
        let rig = try DaemonRig(start: false)
        let clock = try FakeClock(path: rig.directory + "/faketime")
        defer { rig.stop() }
        try rig.start(environment: clock.environment)
        var client = try VarlinkClient(path: rig.socketPath, timeout: .seconds(30))
        var watcher = try RegistryWatcher(socketPath: rig.socketPath)
        var holders = (0..<(2 * samples + 8)).map { FaultHolder(index: 33_000 + $0) }.makeIterator()
        var released: [String] = []
        var early: [String] = []

        func reportLoss(_ card: String) throws -> Double {
            let reply = try client.call(CardMove.reportTemporaryLoss.method, CardMove.reportTemporaryLoss.parameters(card))
            guard let deadline = RFC3339Time.seconds(reply[.card]?[.lossExpiresAt]?.string) else {
                throw FaultFailure("ReportLoss on \(card) answered without lossExpiresAt: \(reply)")
            }
            return deadline
        }
        /// Waits for the card's release (a Monitor event after `mark`); returns its arrival's distance from `due`.
        func awaitRelease(_ card: String, deadline: Double, dueAt due: Date, after mark: Int) throws -> Double {
            let arrival = try watcher.wait(after: mark, RegistryWatcher.autoRelease(of: card))
            released.append(card)
            try checkAuditTime(card, deadline: deadline, client: client, early: &early)
            return arrival.at.timeIntervalSince(due)
        }

        // 1. Forward across the boundary: due at the step, so lateness runs from the step.
        var forward: [Double] = []
        for _ in 0..<samples {
            let card = try holders.next()!.issue(client)
            let deadline = try reportLoss(card)
            let mark = watcher.mark
            let step = try clock.set(to: deadline + 1)
            forward.append(try awaitRelease(card, deadline: deadline, dueAt: step, after: mark))
        }

        // 2. Backward across the boundary: while the keeper sleeps its last
        //    stretch before the deadline (it sleeps at most 0.5 s, at most
        //    until the deadline), the clock goes back a day; nothing may be
        //    released. An attempt where this process was descheduled long
        //    enough for the clock to reach the deadline first proves nothing
        //    and is repeated with a fresh card.
        var backCard = "", backDeadline = 0.0, backAttempts = 0
        repeat {
            backAttempts += 1
            guard backAttempts <= 5 else { throw FaultFailure("5 backward-step attempts were overtaken by the deadline") }
            backCard = try holders.next()!.issue(client)
            backDeadline = try reportLoss(backCard)
            let near = try clock.set(to: backDeadline - 0.4)
            usleep(200_000)  // part of the fault: the step back comes mid-sleep, 0.2 s before the deadline
            let back = try clock.set(to: backDeadline - 86_400)
            if back.timeIntervalSince(near) < 0.35 { break }
        } while true
        // No event can say "nothing happened": watch the stream for a window.
        usleep(UInt32(window * 1_000_000))
        let backState = try state(backCard, client)
        let backReleases = watcher.count(RegistryWatcher.autoRelease(of: backCard))
        let noEarlyRelease = backState == "temporarilyLost" && backReleases == 0

        // 3. Up to the deadline: the clock shows 1 s before it; the release comes in time, not before.
        var approach: [Double] = []
        for index in 0..<samples {
            let card = index == 0 ? backCard : try holders.next()!.issue(client)
            let deadline = index == 0 ? backDeadline : try reportLoss(card)
            let mark = watcher.mark
            let step = try clock.set(to: deadline - 1)
            approach.append(try awaitRelease(card, deadline: deadline, dueAt: step.addingTimeInterval(1), after: mark))
        }

        // 4. Downtime across the deadline: one card due while sscardd is down, one not yet.
        let downCard = try holders.next()!.issue(client)
        let downDeadline = try reportLoss(downCard)
        try clock.set(to: clock.now + 3 * 86_400)
        let laterCard = try holders.next()!.issue(client)
        let laterDeadline = try reportLoss(laterCard)
        watcher.close()
        client.close()
        guard rig.stop() == 0 else { throw FaultFailure("sscardd did not stop cleanly") }
        try clock.set(to: downDeadline + 3_600)
        try rig.start(environment: clock.environment)
        let output = rig.daemon?.output ?? []
        let releasedAtStart = output.firstIndex { $0.contains("released 1 expired temporary loss") }
        let listening = output.firstIndex { $0.contains("listening on") }
        client = try VarlinkClient(path: rig.socketPath, timeout: .seconds(30))
        watcher = try RegistryWatcher(socketPath: rig.socketPath)
        let downState = try state(downCard, client)
        let laterState = try state(laterCard, client)
        try checkAuditTime(downCard, deadline: downDeadline, client: client, early: &early)
        released.append(downCard)
        // The other card stays lost until its own deadline, then goes while the daemon runs.
        let laterMark = watcher.mark
        let laterStep = try clock.set(to: laterDeadline + 1)
        forward.append(try awaitRelease(laterCard, deadline: laterDeadline, dueAt: laterStep, after: laterMark))

        // Exactly once: one autoRelease entry per released card, and no second event.
        var duplicates: [String] = []
        for card in released {
            let entries = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(card)]))[.entries]?.array ?? []
            let count = entries.filter { $0[.action]?.string == "autoRelease" && $0[.outcome]?.string == "done" }.count
            if count != 1 { duplicates.append("\(card): \(count) autoRelease entries") }
        }
        if watcher.count(RegistryWatcher.autoRelease(of: laterCard)) != 1 { duplicates.append("\(laterCard): several events") }
        let audit = try client.call(RegistryMethod.verifyAudit.name)
        watcher.close()

        func milliseconds(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return String(format: "median %.0f ms, max %.0f ms, n=%d", sorted[sorted.count / 2] * 1000,
                          (sorted.last ?? 0) * 1000, sorted.count)
        }
        return [
            FaultCheck(scenario: "clock", check: "forward step across the deadline: released ≤ 1 s late",
                       passed: forward.allSatisfy { $0 <= 1 }, figure: "late by " + milliseconds(forward)),
            FaultCheck(scenario: "clock", check: "backward step before the deadline: no early release",
                       passed: noEarlyRelease,
                       figure: String(format: "%@ after %.1f s, %d releases (%d attempt%@)", backState, window,
                                      backReleases, backAttempts, backAttempts == 1 ? "" : "s")),
            FaultCheck(scenario: "clock", check: "clock 1 s before the deadline: released ≤ 1 s after it, not before",
                       passed: approach.allSatisfy { $0 >= 0 && $0 <= 1 } && early.isEmpty,
                       figure: "after the deadline by " + milliseconds(approach)
                           + String(format: ", min %.0f ms", (approach.min() ?? 0) * 1000)
                           + (early.isEmpty ? "" : "; early: " + early.joined(separator: "; "))),
            FaultCheck(scenario: "clock", check: "downtime across the deadline: released at start-up, the other card not",
                       passed: downState == "active" && laterState == "temporarilyLost"
                           && releasedAtStart != nil && listening != nil && releasedAtStart! < listening!,
                       figure: "due card \(downState), not-yet-due card \(laterState), released "
                           + (releasedAtStart.map { i in listening.map { i < $0 ? "before listening" : "after listening" } ?? "?" }
                               ?? "without a log line")),
            FaultCheck(scenario: "clock", check: "every release exactly once, audit intact",
                       passed: duplicates.isEmpty && audit[.intact]?.bool == true,
                       figure: duplicates.isEmpty ? "\(released.count) cards, one autoRelease entry each"
                           : duplicates.joined(separator: "; ")),
        ]
    }

    static func state(_ card: String, _ client: VarlinkClient) throws -> String {
        try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(card)]))[.card]?[.state]?.string ?? "?"
    }

    /// The daemon's own record: its autoRelease entry is dated at or after the deadline.
    static func checkAuditTime(_ card: String, deadline: Double, client: VarlinkClient, early: inout [String]) throws {
        let entries = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(card)]))[.entries]?.array ?? []
        guard let entry = entries.last(where: { $0[.action]?.string == "autoRelease" }),
              let at = RFC3339Time.seconds(entry[.at]?.string) else {
            early.append("\(card): no autoRelease entry")
            return
        }
        if at < deadline { early.append("\(card): released at \(entry[.at]?.string ?? "?"), before its deadline") }
    }
}
