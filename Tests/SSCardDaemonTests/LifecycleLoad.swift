import Foundation
import SSCardInterfaces
import SSCardRig
import Varlink

/// Clients doing the card lifecycle at once, one card each, for the tests
/// through PgBouncer. Each round a client asks GetStatus, then reports its
/// card temporarily lost if it is active or releases the loss if it is lost,
/// then reads its History. Every call's outcome is kept; the loss changes
/// that answered done are kept per card, in order, so a test can hold them
/// against the audit trail (nothing applied that failed, nothing lost that
/// answered done).
final class LifecycleLoad: @unchecked Sendable {
    struct Failure: Sendable, CustomStringConvertible {
        let method: String
        /// The varlink error's name, or "transport" when the call got no answer.
        let name: String
        let reason: String
        var description: String { "\(method): \(name) \(reason)" }
    }

    private let lock = NSLock()
    private var succeeded = 0
    private var failed: [Failure] = []
    private var changes: [String: [String]] = [:]

    var successes: Int { lock.withLock { succeeded } }
    var failures: [Failure] { lock.withLock { failed } }
    /// The loss actions (`reportTemporaryLoss`, `releaseLoss`) that answered done, per card, in order.
    var doneChanges: [String: [String]] { lock.withLock { changes } }

    /// Runs `rounds` rounds on every card, one client thread per card, all
    /// connected before any begins; returns once every client has finished.
    static func run(_ rig: DaemonRig, cards: [String], rounds: Int) throws -> LifecycleLoad {
        let load = LifecycleLoad()
        let finished = DispatchGroup()
        let ready = DispatchSemaphore(value: 0), start = DispatchSemaphore(value: 0)
        for card in cards {
            finished.enter()
            // Threads of their own, not a concurrentPerform, which would run only as many as there are cores.
            Thread.detachNewThread {
                defer { finished.leave() }
                let client = try? Fixture.client(rig)
                ready.signal()
                start.wait()
                guard let client else {
                    return load.lock.withLock { load.failed.append(Failure(method: "connect", name: "transport", reason: "")) }
                }
                defer { client.close() }
                for _ in 0..<rounds { load.round(client, card) }
            }
        }
        for _ in cards { ready.wait() }
        for _ in cards { start.signal() }
        finished.wait()
        return load
    }

    private func round(_ client: VarlinkClient, _ card: String) {
        let number = JSONValue.string(card)
        guard let status = call(client, .getStatus, .fields([.cardNumber: number])) else { return }
        let lost = status[.card]?[.state]?.string == "temporarilyLost"
        let (method, action) = lost ? (RegistryMethod.releaseLoss, "releaseLoss") : (RegistryMethod.reportLoss, "reportTemporaryLoss")
        var parameters: JSONValue = .fields([.cardNumber: number, .evidence: Fixture.idCard])
        if !lost { parameters = .fields([.kind: "temporary", .cardNumber: number, .evidence: Fixture.idCard]) }
        if call(client, method, parameters) != nil {
            lock.withLock { changes[card, default: []].append(action) }
        }
        _ = call(client, .history, .fields([.cardNumber: number, .limit: 5]))
    }

    /// The reply, or nil after recording why the call failed.
    private func call(_ client: VarlinkClient, _ method: RegistryMethod, _ parameters: JSONValue) -> JSONValue? {
        do {
            let reply = try client.call(method.name, parameters)
            lock.withLock { succeeded += 1 }
            return reply
        } catch let error as VarlinkError {
            let reason = error.parameters[.reason]?.string ?? error.parameters.description
            lock.withLock { failed.append(Failure(method: method.rawValue, name: error.name, reason: reason)) }
        } catch {
            lock.withLock { failed.append(Failure(method: method.rawValue, name: "transport", reason: "\(error)")) }
        }
        return nil
    }
}
