import Foundation
import Glibc
import SSCardTestSupport
import Varlink

/// Section 6 of the fault runs: ten minutes of mixed load on one sscardd —
/// status queries, lifecycle mutations, card reads, monitor subscribers and
/// connection churn — sampling its RSS, descriptors and per-window GetStatus
/// p99, which must stay stable.
enum SoakScenario {
    static let scenario = FaultScenario(
        name: "soak",
        summary: "10 minutes of mixed load (--quick: 30 s); RSS, descriptors and p99 stay stable",
        run: run)

    static let cardCount = 20

    static func run(_ options: FaultOptions) throws -> [FaultCheck] {
        let duration = options.integer("soak.seconds", full: 600, quick: 30)
        // A minute per window in a full run; thirds of a short one.
        let windowSeconds = options.integer("soak.window-seconds", full: 60, quick: max(1, duration / 3))
        let sampleSeconds = options.integer("soak.sample-seconds", full: 30, quick: max(1, duration / 6))
        var checks: [FaultCheck] = []
        func check(_ name: String, _ passed: Bool, _ figure: String) {
            checks.append(FaultCheck(scenario: "soak", check: name, passed: passed, figure: figure))
            FileHandle.standardError.write(Data("   \(passed ? "pass" : "FAIL") \(name): \(figure)\n".utf8))
        }

        let rig = try DaemonRig()
        let setup = try VarlinkClient(path: rig.socketPath)
        let holders = (0..<cardCount).map { FaultHolder(index: 200 + $0) }
        for holder in holders { try holder.issue(setup) }
        let watch = try EventWatch(socketPath: rig.socketPath)
        let card = try PCSCRig.shared.insertCards([(0, holders[0].profile())], name: "soak-card")
        defer { card.terminate() }
        try watch.next("cardInserted", reader: PCSCRig.reader0)
        watch.close()
        guard let pid = rig.daemon?.pid else { throw ProbeError.unexpected("sscardd not running") }
        try WorkerWarmUp.run(socketPath: rig.socketPath, cardNumber: holders[0].cardNumber)
        let quiet = try ProcessSample.of(pid)
        let quietTargets = ProcessSample.targets(pid)

        let status = LatencyRecorder(window: .seconds(windowSeconds))
        let mutations = LatencyRecorder(window: .seconds(windowSeconds))
        let load = MixedLoad(socketPath: rig.socketPath, holders: holders, status: status, mutations: mutations)
        load.loops.forEach { $0.start() }
        let began = ContinuousClock.now
        var samples: [(second: Int, sample: ProcessSample, databaseKiB: Int)] = []
        while true {
            let elapsed = Int((ContinuousClock.now - began) / .seconds(1))
            samples.append((elapsed, try ProcessSample.of(pid), databaseKiB(rig.stateDirectory)))
            guard elapsed < duration else { break }
            // Pacing, not synchronization: the load runs for a set time.
            Thread.sleep(forTimeInterval: TimeInterval(min(sampleSeconds, duration - elapsed)))
        }
        // The Monitor subscriber ends at its next event: ask every loop to stop,
        // then make one more change so that the event comes.
        load.loops.forEach { $0.requestStop() }
        _ = try setup.call("org.sscard.Registry.UpdateHolder", ["ssn": .string(holders[0].ssn), "phone": "13800000000",
                                                                "evidence": FaultHolder.idCard])
        load.loops.forEach { $0.stop() }
        let afterLoad = try settled(pid, towards: quiet)
        let added = ProcessSample.added(quietTargets, ProcessSample.targets(pid))
        let gone = ProcessSample.added(ProcessSample.targets(pid), quietTargets)

        let table = samples.map {
            "t=\($0.second)s RSS \(mebibytes($0.sample.rssKiB)) (anon \(mebibytes($0.sample.anonymousKiB)), "
                + "file \(mebibytes($0.sample.fileKiB))) \($0.sample.descriptors) fds, database \(mebibytes($0.databaseKiB))"
        }
        FileHandle.standardError.write(Data(("   samples: " + table.joined(separator: "; ") + "\n").utf8))
        let failed = summary(load.loops)
        let perLoop = load.loops.map { "\($0.name) \($0.calls)" }.joined(separator: ", ")
        check("mixed load: no failed call", failed.failures == 0,
              "\(failed.calls) steps in \(duration) s (\(perLoop)), \(failed.failures) failed "
                  + failed.samples.joined(separator: "; "))

        // RSS after warm-up (the first window) against the end.
        let warm = samples.first { $0.second >= windowSeconds } ?? samples[samples.count / 2]
        let last = samples[samples.count - 1]
        // Every mutation appends to the audit trail, so the database grows all
        // through the soak, and with it what SQLite caches and maps of it
        // (docs/store.md: page caches, mmap). The stated bound: RSS may grow by
        // 1 MiB plus the database's own growth over the same interval.
        let growth = last.sample.rssKiB - warm.sample.rssKiB
        let databaseGrowth = last.databaseKiB - warm.databaseKiB
        let anonymousGrowth = last.sample.anonymousKiB - warm.sample.anonymousKiB
        let peak = samples.map(\.sample.rssKiB).max() ?? 0
        check("RSS growth after warm-up ≤ 1 MiB + the database's growth", growth <= 1024 + databaseGrowth,
              "\(mebibytes(warm.sample.rssKiB)) at \(warm.second) s → \(mebibytes(last.sample.rssKiB)) at \(last.second) s "
                  + "(\(signed(growth)) KiB; anon \(signed(anonymousGrowth)) KiB; database \(signed(databaseGrowth)) KiB), "
                  + "peak \(mebibytes(peak)); samples "
                  + samples.map { "\($0.second) s \(mebibytes($0.sample.rssKiB))/\($0.sample.descriptors) fds" }.joined(separator: ", "))

        // Descriptors: the load's connections all closed afterwards, and no
        // other descriptor added after the warm-up. (Some are opened on first
        // use, under load: libdispatch's timer fd, for one.)
        let othersAfterWarmUp = samples.filter { $0.second >= warm.second }.map(\.sample.others)
        check("descriptors flat: no file/pipe/timer descriptor added after warm-up, every socket closed after the load",
              othersAfterWarmUp.allSatisfy { $0 == warm.sample.others } && afterLoad.others == warm.sample.others
                  && afterLoad.sockets == quiet.sockets,
              "non-socket fds \(warm.sample.others) at \(warm.second) s, \(othersAfterWarmUp.min() ?? 0)–\(othersAfterWarmUp.max() ?? 0) "
                  + "after, \(afterLoad.others) once stopped; sockets \(quiet.sockets) before the load, "
                  + "\(samples.map(\.sample.sockets).min() ?? 0)–\(samples.map(\.sample.sockets).max() ?? 0) under it, "
                  + "\(afterLoad.sockets) after"
                  + (added.isEmpty ? "" : "; opened under load: " + added.joined(separator: ", "))
                  + (gone.isEmpty ? "" : "; closed: " + gone.joined(separator: ", ")))

        // Whole windows only: the one the run ends in is cut short by the stop.
        let windows = Array(status.perWindow.prefix(max(1, duration / windowSeconds))).filter { $0.count > 0 }
        if let first = windows.first, let final = windows.last {
            let ratio = Double(final.p99) / Double(max(1, first.p99))
            check("GetStatus p99: last window ≤ 2× first window", ratio <= 2,
                  String(format: "×%.2f; ", ratio) + "per \(windowSeconds) s: "
                      + windows.map { "\(Percentiles.format($0.p99))" }.joined(separator: ", ")
                      + "; mutations overall \(mutations.all)")
        } else {
            check("GetStatus p99: last window ≤ 2× first window", false, "no GetStatus calls recorded")
        }

        let verify = try setup.call("org.sscard.Registry.VerifyAudit")
        check("audit chain intact after the soak", verify["intact"]?.bool == true,
              "\(verify["entriesChecked"]?.int ?? 0) entries checked")
        let alive = rig.daemon?.isRunning == true
        check("sscardd still running", alive, alive ? "pid \(pid)" : "exited")
        return checks
    }

    /// The sample once the daemon has closed the load's connections: it sees
    /// each hang-up on its next epoll turn, and nothing tells us when, so
    /// look again for up to five seconds until the socket count is back.
    static func settled(_ pid: pid_t, towards quiet: ProcessSample) throws -> ProcessSample {
        let deadline = ContinuousClock.now + .seconds(5)
        var sample = try ProcessSample.of(pid)
        while sample.sockets != quiet.sockets && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            sample = try ProcessSample.of(pid)
        }
        return sample
    }

    /// The registry's files (database, WAL, shared-memory index), KiB.
    static func databaseKiB(_ directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let bytes = names.reduce(0) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size]) as? NSNumber
            return total + (size?.intValue ?? 0)
        }
        return bytes / 1024
    }

    static func signed(_ value: Int) -> String { value >= 0 ? "+\(value)" : "\(value)" }

    static func mebibytes(_ kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
}
