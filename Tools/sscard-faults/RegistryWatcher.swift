import Foundation
import SSCardInterfaces
import SSCardRig
import Varlink

/// org.sscard.Registry.Monitor on a thread of its own: every committed change
/// with the moment it arrived, so that a scenario can wait for a change (the
/// event is the synchronization) and time it.
final class RegistryWatcher: @unchecked Sendable {
    struct Arrival {
        let event: JSONValue
        let at: Date
    }

    private let condition = NSCondition()
    private var arrivals: [Arrival] = []
    private var ended = false
    private let client: VarlinkClient

    /// Returns once the daemon has answered "subscribed": every change
    /// committed after that is seen.
    init(socketPath: String) throws {
        client = try VarlinkClient(path: socketPath, timeout: nil)
        let subscribed = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            var first = true
            try? client.stream(RegistryMethod.monitor.name) { event in
                let at = Date()
                if first {
                    first = false
                    subscribed.signal()
                    return true
                }
                condition.withLock {
                    arrivals.append(Arrival(event: event, at: at))
                    condition.broadcast()
                }
                return true
            }
            condition.withLock {
                ended = true
                condition.broadcast()
            }
            if first { subscribed.signal() }
        }
        guard subscribed.wait(timeout: .now() + 20) == .success, !condition.withLock({ ended }) else {
            throw FaultFailure("Registry.Monitor did not answer \"subscribed\"")
        }
    }

    /// How many changes have arrived: pass it to `wait(after:)` to wait only for later ones.
    var mark: Int { condition.withLock { arrivals.count } }

    /// Waits for the first change after the first `after` that `matches`
    /// accepts; the deadline only bounds a broken run.
    func wait(after: Int = 0, timeout: TimeInterval = 20, _ matches: (JSONValue) -> Bool) throws -> Arrival {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var index = after
        while true {
            while index < arrivals.count {
                if matches(arrivals[index].event) { return arrivals[index] }
                index += 1
            }
            if ended { throw FaultFailure("the Monitor stream ended while waiting") }
            if !condition.wait(until: deadline) { throw RigError.timeout("a Monitor event") }
        }
    }

    /// Changes seen so far that `matches` accepts.
    func count(_ matches: (JSONValue) -> Bool) -> Int {
        condition.withLock { arrivals.filter { matches($0.event) }.count }
    }

    /// An automatic release of `card`, as the Monitor reports it.
    static func autoRelease(of card: String) -> (JSONValue) -> Bool {
        { $0[.action]?.string == "autoRelease" && $0[.card]?[.cardNumber]?.string == card }
    }

    func close() { client.close() }
}
