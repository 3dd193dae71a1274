import Foundation
import Registry

/// Keeps the audit chain's head outside the database: in the head file and
/// the journal, every `interval` and at every stop.
///
/// At start it holds the chain to the head file's head. A chain that no
/// longer reaches it (entries removed from the end, or rewritten) is logged
/// as an error and reported by every VerifyAudit; the head file is then left
/// as it is — it is the evidence — until the operator moves it aside after
/// investigating. With `integrity-check = full` such a chain stops the start.
///
/// Heads are written only while sscardd holds the audit key: a head vouches
/// that every entry after it is keyed.
final class AuditCheckpoints: @unchecked Sendable {
    private let registry: Registry
    private let file: AuditHeadFile
    private let keyed: Bool
    private let interval: Duration
    private let log: Log
    private let condition = NSCondition()
    private var contents: AuditHeadFile.Contents?
    /// Whether the chain was found to reach the head file's head (false
    /// until checked: a shared registry may be unreachable at start).
    private var headChecked = false
    /// What is wrong with the chain against the head file; heads are frozen while set.
    private var mismatch: String?
    private var stopping = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    init(registry: Registry, file: AuditHeadFile, keyed: Bool, interval: Duration, log: Log) {
        self.registry = registry
        self.file = file
        self.keyed = keyed
        self.interval = interval
        self.log = log
    }

    /// The daemon's checkpoints, started: says in the journal whether the
    /// chain is keyed, then `start(full:)`.
    static func start(registry: Registry, configuration: Configuration, keyPath: String?,
                      log: Log) throws -> AuditCheckpoints {
        if let keyPath {
            log.notice("audit trail keyed (key from \(keyPath)); head checkpoints every "
                           + "\(configuration.auditCheckpointSeconds) s to \(AuditHeadFile.name) in \(configuration.stateDirectory)")
        } else {
            log.warning("audit trail not keyed: no audit-key credential or audit-key-file; someone who can write the "
                            + "database can remove or rewrite entries unnoticed")
        }
        let checkpoints = AuditCheckpoints(registry: registry, file: AuditHeadFile(stateDirectory: configuration.stateDirectory),
                                           keyed: keyPath != nil, interval: .seconds(configuration.auditCheckpointSeconds),
                                           log: log)
        try checkpoints.start(full: configuration.integrityCheck == .full)
        return checkpoints
    }

    /// Reads the head file and checks the chain against it. Throws when the
    /// file is unreadable, or, with `full`, when the chain fails the whole walk.
    func start(full: Bool) throws {
        contents = try file.read()
        checkHead()
        if full, let head = contents?.headValue {
            let result = try registry.verifyAudit(head: head, start: nil, whole: true)
            if !result.isIntact {
                throw AuditHeadFile.Problem(path: file.path, reason: "integrity-check = full: audit chain broken at "
                                            + "entry \(result.firstBrokenSequence ?? 0): \(result.problem ?? "")")
            }
        }
        // A chain first seen with the key: remember its head from now on.
        if contents == nil { checkpoint(reason: "start") }
        let thread = Thread { [self] in
            defer { finished.signal() }
            loop()
        }
        thread.name = "audit-checkpoints"
        self.thread = thread
        thread.start()
    }

    /// The head VerifyAudit holds the chain to when the caller names none.
    var knownHead: AuditHead? { condition.withLock { contents?.headValue } }
    /// Where a default VerifyAudit starts: the last head a verification passed.
    var lastVerified: AuditHead? { condition.withLock { contents?.verifiedValue } }
    /// The mismatch found at start, if any.
    var startProblem: String? { condition.withLock { mismatch } }

    /// Remembers the head a verification reached, as the next one's start.
    func verified(_ head: AuditHead) {
        condition.withLock {
            guard keyed, mismatch == nil, var current = contents else { return }
            current.verified = head.text
            do {
                try file.write(current)
                contents = current
            } catch {
                log.error("\(error)")
            }
        }
    }

    /// Writes the last checkpoint and stops the timer.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        if thread != nil { finished.wait() }
        checkpoint(reason: "stop")
    }

    private func loop() {
        while true {
            let stop = condition.withLock { () -> Bool in
                let deadline = Date() + TimeInterval(interval.components.seconds)
                while !stopping && condition.wait(until: deadline) {}
                return stopping
            }
            if stop { return }
            checkpoint(reason: "interval")
        }
    }

    /// Holds the chain to the head file once; logs what is wrong.
    private func checkHead() {
        let head = condition.withLock { headChecked ? nil : contents?.headValue }
        guard let head else {
            condition.withLock { if contents == nil { headChecked = true } }
            return
        }
        do {
            let problem = try registry.checkAuditHead(head)
            condition.withLock {
                headChecked = true
                mismatch = problem?.problem
            }
            if let problem {
                log.error("audit trail does not reach the head in \(file.path) (\(head.text)): entry \(problem.sequence) "
                              + "\(problem.problem); "
                              + "the head file is kept as evidence, move it aside once investigated")
            }
        } catch {
            log.error("audit head not checked yet (\(error)); checkpoints wait until it is")
        }
    }

    /// Records the chain's current head in the head file and the journal.
    func checkpoint(reason: String) {
        guard keyed else { return }
        checkHead()
        let ready = condition.withLock { headChecked && mismatch == nil }
        guard ready else { return }
        do {
            let head = try registry.auditHead()
            try condition.withLock {
                if contents?.headValue == head {
                    if reason == "stop" { log.notice("audit checkpoint (stop): chain \"\(head.chain)\" head \(head.text)") }
                    return
                }
                let next = AuditHeadFile.Contents(chain: head.chain, head: head.text, verified: contents?.verified)
                try file.write(next)
                contents = next
                log.notice("audit checkpoint (\(reason)): chain \"\(head.chain)\" head \(head.text)")
            }
        } catch {
            log.error("audit checkpoint (\(reason)) failed: \(error)")
        }
    }
}
