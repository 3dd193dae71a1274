import Foundation
import Glibc
import SSCardInterfaces
import SSCardRig
import Varlink

/// Disk: the state directory on a small tmpfs that fills up while sscardd
/// serves, then frees up again; and a read-only or missing state directory
/// at start (docs/reliability.md, "Disk").
enum DiskScenario {
    static let scenario = FaultScenario(
        name: "disk", summary: "full disk refuses mutations clearly and recovers; bad state directory stops the start",
        run: run)

    /// The error a full disk must produce, with a reason that says so.
    static let storageFull = RegistryErrorName.storageFull.name

    static func run(_ options: FaultOptions) throws -> [FaultCheck] {
        try fullDisk(options) + StateDirectoryStarts.run()
    }

    static func fullDisk(_ options: FaultOptions) throws -> [FaultCheck] {
        let rig = try DaemonRig(start: false)
        let mount = try TmpfsMount(path: rig.stateDirectory, sizeKiB: options.integer("disk.size-kib", full: 8192, quick: 8192))
        defer {
            rig.stop()
            mount.unmount()
        }
        try rig.start()
        let client = try VarlinkClient(path: rig.socketPath, timeout: .seconds(30))
        let cards = try (0..<4).map { try FaultHolder(index: 30_000 + $0).issue(client) }
        // One card already temporarily lost, so that a release is among the refused calls.
        let ledger = DiskLedger(client: client)
        try ledger.move(.reportTemporaryLoss, cards[2])

        let filler = FillerFile(path: rig.stateDirectory + "/filler")
        _ = try filler.fill()
        // SQLite first reuses space it already holds: WAL frames it may
        // rewrite once a checkpoint has copied them, free pages. So on a full
        // disk calls may commit (each durable like any commit) or be refused,
        // until the log can neither grow nor be reset (a checkpoint that must
        // grow the database file fails). Lock/unlock until every call has
        // been refused for a whole second, four checkpoint periods.
        var absorbed = 0, refusedWhileFilling = 0
        var firstRefusal: VarlinkError?
        var refusingSince: Date?
        var wrongRefusals: [String] = []
        let budget = options.integer("disk.max-calls", full: 20_000, quick: 20_000)
        while absorbed + refusedWhileFilling < budget {
            do {
                try ledger.toggleLock(cards[0])
                absorbed += 1
                refusingSince = nil
            } catch let error as VarlinkError {
                refusedWhileFilling += 1
                guard isClearFullDisk(error) else {
                    wrongRefusals.append("Lock: \(error)")
                    break
                }
                if firstRefusal == nil { firstRefusal = error }
                let since = refusingSince ?? Date()
                refusingSince = since
                if Date().timeIntervalSince(since) >= 1 { break }
            }
        }
        guard let firstRefusal, wrongRefusals.isEmpty, let steady = refusingSince,
              Date().timeIntervalSince(steady) >= 1 else {
            throw FaultFailure("on a full disk after \(absorbed) commits and \(refusedWhileFilling) refusals: "
                + (wrongRefusals.first ?? "mutations did not stay refused"))
        }
        // Every kind of mutation is refused the same way, and none leaves a trace.
        var refused: [String] = []
        var halfApplied: [String] = []
        let attempts: [(String, () throws -> Void)] = [
            ("Lock", { try ledger.toggleLock(cards[0]) }),
            ("ReportLoss", { try ledger.move(.reportTemporaryLoss, cards[1]) }),
            ("ReleaseLoss", { try ledger.move(.releaseLoss, cards[2]) }),
            ("Seal", { try ledger.move(.seal, cards[3]) }),
            ("Apply", { try ledger.apply(FaultHolder(index: 30_100)) }),
        ]
        for (name, attempt) in attempts {
            let before = try ledger.snapshot(cards)
            do {
                try attempt()
                wrongRefusals.append("\(name) committed")
            } catch let error as VarlinkError {
                refused.append(name)
                if !isClearFullDisk(error) { wrongRefusals.append("\(name): \(error)") }
            }
            let after = try ledger.snapshot(cards)
            if after != before { halfApplied.append("\(name) changed \(before) to \(after)") }
        }
        if try ledger.holderExists(FaultHolder(index: 30_100)) { halfApplied.append("Apply left a holder") }

        // Reads keep answering while the disk is full.
        var reads = 0
        let readCalls: [(String, JSONValue)] = [
            (RegistryMethod.getStatus.name, .fields([.cardNumber: .string(cards[1])])),
            (RegistryMethod.history.name, .fields([.cardNumber: .string(cards[0])])),
            (RegistryMethod.pendingReleases.name, [:]),
            (RegistryMethod.verifyAudit.name, [:]),
            ("org.varlink.service.GetInfo", [:]),
        ]
        for (method, parameters) in readCalls where (try? ledger.client.call(method, parameters)) != nil { reads += 1 }
        let aliveWhileFull = rig.daemon?.isRunning == true
        let logged = rig.daemon?.output.contains { $0.hasPrefix("<3>") && $0.contains("is full") } == true

        // A restart while the disk is still full: it starts, serves reads and refuses mutations the same way.
        rig.stop()
        var restart = "started"
        do {
            try rig.start()
            ledger.client = try VarlinkClient(path: rig.socketPath, timeout: .seconds(30))
            _ = try ledger.position(cards[1])
            restart += ", serves reads"
            try ledger.toggleLock(cards[0])
            restart += ", but a mutation committed"
        } catch let error as VarlinkError where isClearFullDisk(error) {
            restart += ", refuses mutations with \(error.name.split(separator: ".").last ?? "")"
        } catch {
            restart = "failed: \(error)"
        }

        // Space returns: the next call commits, without a restart.
        try filler.remove()
        let freed = Date()
        var recovered: [String] = []
        var recoveryFailures: [String] = []
        for (name, attempt) in attempts {
            do {
                try attempt()
                recovered.append(name)
            } catch {
                recoveryFailures.append("\(name): \(error)")
            }
        }
        let recoveryTime = Date().timeIntervalSince(freed)
        let audit = try ledger.client.call(RegistryMethod.verifyAudit.name)
        let lost = try ledger.acknowledgedButMissing(cards)

        let reason = (firstRefusal.parameters[.reason]?.string ?? "").replacingOccurrences(of: rig.stateDirectory, with: "$STATE")
        return [
            FaultCheck(scenario: "disk", check: "full: mutations refused with a clear error, logged",
                       passed: isClearFullDisk(firstRefusal) && wrongRefusals.isEmpty && refused.count == attempts.count
                           && logged,
                       figure: wrongRefusals.isEmpty
                           ? "\(refused.count)/\(attempts.count) kinds: \(firstRefusal.name) \"\(reason)\"; "
                               + "before that \(absorbed) commits and \(refusedWhileFilling) refusals; error logged: \(logged)"
                           : wrongRefusals.joined(separator: "; ")),
            FaultCheck(scenario: "disk", check: "full: nothing half applied", passed: halfApplied.isEmpty,
                       figure: halfApplied.isEmpty ? "state and audit trail unchanged by \(attempts.count) refused calls"
                           : halfApplied.joined(separator: "; ")),
            FaultCheck(scenario: "disk", check: "full: reads answer, the daemon stays up",
                       passed: reads == readCalls.count && aliveWhileFull,
                       figure: "\(reads)/\(readCalls.count) reads answered, daemon \(aliveWhileFull ? "running" : "gone")"),
            FaultCheck(scenario: "disk", check: "full: a restart serves reads, refuses mutations",
                       passed: restart.hasPrefix("started, serves reads, refuses"), figure: restart),
            FaultCheck(scenario: "disk", check: "space returns: mutations succeed without a restart",
                       passed: recoveryFailures.isEmpty && rig.daemon?.isRunning == true,
                       figure: recoveryFailures.isEmpty
                           ? String(format: "%d/%d kinds committed, the first at once (%.0f ms for all)",
                                    recovered.count, attempts.count, recoveryTime * 1000)
                           : recoveryFailures.joined(separator: "; ")),
            FaultCheck(scenario: "disk", check: "after recovery: acknowledged changes kept, audit intact",
                       passed: lost.isEmpty && audit[.intact]?.bool == true,
                       figure: lost.isEmpty ? "\(ledger.acknowledged) acknowledged, \(audit[.entriesChecked]?.int ?? 0) entries verified"
                           : lost.joined(separator: "; ")),
        ]
    }

    /// A full disk must say so: the dedicated error, and a reason that names the cause.
    static func isClearFullDisk(_ error: VarlinkError) -> Bool {
        let reason = error.parameters[.reason]?.string ?? ""
        return error.name == storageFull && reason.contains("full")
    }
}
