import Foundation
import SSCardInterfaces
import SSCardRig
import Varlink

/// A client calling GetStatus back to back on a thread of its own, keeping
/// each call's start, duration and outcome, so a test can wait for the
/// first failure or success after a moment and measure the gap.
final class RegistryProbe: @unchecked Sendable {
    enum Outcome: Equatable { case done, unavailable, failed }
    struct Call { let started: ContinuousClock.Instant; let duration: Duration; let outcome: Outcome; let detail: String }

    private let condition = NSCondition()
    private var recorded: [Call] = []
    private var stopping = false
    private var finished = false

    private let client: VarlinkClient
    private let cardNumber: String

    init(_ rig: DaemonRig, cardNumber: String) throws {
        client = try Fixture.client(rig)
        self.cardNumber = cardNumber
        Thread.detachNewThread { [self] in run() }
    }

    private func run() {
        defer { client.close() }
        while !condition.withLock({ stopping }) {
            let started = ContinuousClock.now
            var outcome = Outcome.done, detail = ""
            do {
                _ = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(cardNumber)]))
            } catch let error as VarlinkError {
                outcome = error.name == RegistryErrorName.registryUnavailable.name ? .unavailable : .failed
                detail = "\(error.name) \(error.parameters)"
            } catch {
                outcome = .failed
                detail = "\(error)"
            }
            let call = Call(started: started, duration: ContinuousClock.now - started, outcome: outcome, detail: detail)
            condition.withLock {
                recorded.append(call)
                condition.broadcast()
            }
            // Pacing, not synchronization: a failed call returns at once, and
            // 10 ms keeps the daemon's journal and the CPU quiet meanwhile.
            if outcome != .done { usleep(10_000) }
        }
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    var calls: [Call] { condition.withLock { recorded } }

    func stop() {
        condition.withLock {
            stopping = true
            while !finished { condition.wait() }
        }
    }

    /// Waits (bounded by `timeout`) until `enough` holds for the calls so far; returns the calls.
    @discardableResult
    private func wait(for what: String, timeout: TimeInterval = 30, _ enough: ([Call]) -> Bool) throws -> [Call] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !enough(recorded) {
            if !condition.wait(until: deadline) {
                throw RigError.timeout("\(what); last calls \(recorded.suffix(3).map { "\($0.outcome) \($0.detail)" })")
            }
        }
        return recorded
    }

    func waitForSuccesses(_ count: Int) throws {
        try wait(for: "\(count) served GetStatus") { $0.filter { $0.outcome == .done }.count >= count }
    }

    func waitForUnavailable(after moment: ContinuousClock.Instant, count: Int) throws {
        try wait(for: "\(count) RegistryUnavailable") {
            $0.filter { $0.started > moment && $0.outcome == .unavailable }.count >= count
        }
    }

    /// Waits for a RegistryUnavailable whose reason says the next reconnect
    /// attempt is more than `seconds` away (the pool's backoff has grown).
    func waitForBackoff(longerThan seconds: Double) throws {
        try wait(for: "a backoff longer than \(seconds) s", timeout: 90) { calls in
            calls.contains { call in
                guard call.outcome == .unavailable, let range = call.detail.range(of: "next attempt in ") else { return false }
                return Double(call.detail[range.upperBound...].prefix { $0 != " " }).map { $0 > seconds } ?? false
            }
        }
    }

    /// Waits for the first call started after `moment` that was served; returns when it ended.
    func waitForSuccess(after moment: ContinuousClock.Instant) throws -> ContinuousClock.Instant {
        let calls = try wait(for: "a served GetStatus") { $0.contains { $0.started > moment && $0.outcome == .done } }
        let first = calls.first { $0.started > moment && $0.outcome == .done }!
        return first.started + first.duration
    }
}
