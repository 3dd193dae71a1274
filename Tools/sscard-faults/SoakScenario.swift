import Foundation
import Glibc
import SSCardInterfaces
import SSCardRig
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

    /// What sscardd's SQLite page caches may hold, as docs/store.md states
    /// it: 64 MiB for the writer and 2 MiB for each read connection, of
    /// which the daemon keeps `worker-threads + 4` (20 by default). The
    /// audit trail grows with every mutation, and the caches fill with its
    /// new pages up to these caps (docs/reliability.md, "Soak").
    static let pageCacheBoundKiB = 64 * 1024 + 20 * 2 * 1024
    /// Descriptors on the registry's database and WAL: two per connection,
    /// for the writer, the WAL checkpointer and up to 20 pooled readers.
    static let registryFileBound = 2 * (2 + 20)

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
        // Connections of its own for the set-up, the last change and the check:
        // one held through the load would sit idle past sscardd's idle timeout
        // and be closed, as it should be.
        let holders = (0..<cardCount).map { FaultHolder(index: 200 + $0) }
        do {
            let setup = try VarlinkClient(path: rig.socketPath)
            defer { setup.close() }
            for holder in holders { try holder.issue(setup) }
        }
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
        let finishing = try VarlinkClient(path: rig.socketPath)
        _ = try finishing.call(RegistryMethod.updateHolder.name, .fields([.ssn: .string(holders[0].ssn), .phone: "13800000000",
                                                                .evidence: FaultHolder.idCard]))
        // Closed before the sockets are counted: "every socket closed after the load".
        finishing.close()
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

        // Anonymous RSS (the heap, where SQLite's page caches live) from before
        // the load to its peak, against the documented bound of those caches
        // plus 1 MiB. Growth after warm-up is reported beside it, with the
        // database's: while the caches fill, the two go together.
        let warm = samples.first { $0.second >= windowSeconds } ?? samples[samples.count / 2]
        let last = samples[samples.count - 1]
        let peakAnonymous = samples.map(\.sample.anonymousKiB).max() ?? 0
        let growth = peakAnonymous - quiet.anonymousKiB
        let databaseGrowth = last.databaseKiB - warm.databaseKiB
        let anonymousGrowth = last.sample.anonymousKiB - warm.sample.anonymousKiB
        check("anonymous RSS under load ≤ before + SQLite's page-cache bound (\(mebibytes(pageCacheBoundKiB))) + 1 MiB",
              growth <= pageCacheBoundKiB + 1024,
              "anon \(mebibytes(quiet.anonymousKiB)) before the load, peak \(mebibytes(peakAnonymous)) (\(signed(growth)) KiB); "
                  + "after warm-up \(mebibytes(warm.sample.anonymousKiB)) at \(warm.second) s → "
                  + "\(mebibytes(last.sample.anonymousKiB)) at \(last.second) s (\(signed(anonymousGrowth)) KiB, database "
                  + "\(signed(databaseGrowth)) KiB); RSS/fds "
                  + samples.map { "\($0.second) s \(mebibytes($0.sample.rssKiB))/\($0.sample.descriptors)" }.joined(separator: ", "))

        // Descriptors: the load's connections all closed afterwards, and no
        // other descriptor added after the warm-up. (Some are opened on first
        // use, under load: libdispatch's timer fd, for one.) The registry's
        // files are bounded instead: the reader pool opens a connection when
        // a worker first needs one, which on a busy machine may be after the
        // warm-up.
        func fixed(_ sample: ProcessSample) -> Int { sample.others - sample.registryFiles }
        let othersAfterWarmUp = samples.filter { $0.second >= warm.second }.map { fixed($0.sample) }
        let registryPeak = (samples.map(\.sample.registryFiles) + [afterLoad.registryFiles]).max() ?? 0
        check("descriptors flat: no file/pipe/timer descriptor added after warm-up, every socket closed after the load, "
                  + "registry files ≤ \(registryFileBound)",
              othersAfterWarmUp.allSatisfy { $0 == fixed(warm.sample) } && fixed(afterLoad) == fixed(warm.sample)
                  && afterLoad.sockets <= quiet.sockets && registryPeak <= registryFileBound,
              "non-socket fds besides the registry's \(fixed(warm.sample)) at \(warm.second) s, "
                  + "\(othersAfterWarmUp.min() ?? 0)–\(othersAfterWarmUp.max() ?? 0) after, \(fixed(afterLoad)) once stopped; "
                  + "registry files \(warm.sample.registryFiles) at \(warm.second) s, peak \(registryPeak); "
                  + "sockets \(quiet.sockets) before the load, "
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

        // Streamed: a chain of a few hundred thousand entries takes longer
        // than the client's timeout in a debug build; progress replies come
        // every second, so only a stalled walk times out.
        let verifier = try VarlinkClient(path: rig.socketPath)
        defer { verifier.close() }
        var verify: JSONValue = [:]
        try verifier.stream(RegistryMethod.verifyAudit.name, .fields([.whole: true])) { reply in
            if reply[.progress]?.bool != true { verify = reply }
            return true
        }
        check("audit chain intact after the soak", verify[.intact]?.bool == true,
              "\(verify[.entriesChecked]?.int ?? 0) entries checked")
        let alive = rig.daemon?.isRunning == true
        check("sscardd still running", alive, alive ? "pid \(pid)" : "exited")
        return checks
    }

    /// The sample once the daemon has closed the load's connections: it sees
    /// each hang-up on its next epoll turn, and nothing tells us when, so
    /// look again for up to five seconds until the socket count is back
    /// (or below: the sample before the load may still have held warm-up
    /// connections the daemon had not yet seen close).
    static func settled(_ pid: pid_t, towards quiet: ProcessSample) throws -> ProcessSample {
        let deadline = ContinuousClock.now + .seconds(5)
        var sample = try ProcessSample.of(pid)
        while sample.sockets > quiet.sockets && ContinuousClock.now < deadline {
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
