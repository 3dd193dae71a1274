import Foundation
import SSCardInterfaces
import SSCardRig
import Varlink

/// A Monitor subscription (Reader or Registry) on a thread of its own, so a
/// run can act and then wait for the daemon to report what it saw.
///
/// `next(where:)` consumes events up to the match, so a watch can follow a
/// thousand insertions without keeping them all or matching an old one.
final class EventWatch: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [JSONValue] = []
    private var ended: String?
    private let client: VarlinkClient

    /// Subscribes and returns once the first reply (the reader snapshot or
    /// "subscribed") has arrived.
    init(socketPath: String, method: String = ReaderMethod.monitor.name) throws {
        client = try VarlinkClient(path: socketPath, timeout: nil)
        let first = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            var signalled = false
            var reason = "stream ended"
            do {
                try client.stream(method, [:]) { event in
                    condition.withLock {
                        events.append(event)
                        condition.broadcast()
                    }
                    if !signalled {
                        signalled = true
                        first.signal()
                    }
                    return true
                }
            } catch {
                reason = "\(error)"
            }
            condition.withLock {
                ended = reason
                condition.broadcast()
            }
            if !signalled { first.signal() }
        }
        guard first.wait(timeout: .now() + 20) == .success else { throw RigError.timeout("\(method) subscription") }
        if let ended = condition.withLock({ ended }) { throw ProbeError.unexpected("\(method): \(ended)") }
    }

    deinit { close() }

    func close() { client.close() }

    /// Waits for the next event matching `matches`, dropping it and the
    /// events before it that `dropping` selects (by default all of them).
    /// The deadline only bounds a broken run; the wait ends on the event.
    @discardableResult
    func next(timeout: TimeInterval = 20, _ what: String, dropping: (JSONValue) -> Bool = { _ in true },
              where matches: (JSONValue) -> Bool) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = events.firstIndex(where: matches) {
                let event = events[index]
                let kept = events[..<index].filter { !dropping($0) }
                events = kept + events[(index + 1)...]
                return event
            }
            if let ended { throw ProbeError.unexpected("monitor ended (\(ended)) before \(what)") }
            if !condition.wait(until: deadline) {
                throw RigError.timeout("\(what); last events \(events.suffix(4).map(\.description))")
            }
        }
    }

    /// Events received and not yet consumed.
    var pending: [JSONValue] { condition.withLock { events } }

    /// The next Reader.Monitor event of one reader; earlier events of that
    /// reader are dropped, other readers' events stay for their own waits.
    @discardableResult
    func next(_ event: String, reader: String, timeout: TimeInterval = 20,
              and extra: (JSONValue) -> Bool = { _ in true }) throws -> JSONValue {
        try next(timeout: timeout, "\(event) in \(reader)", dropping: { $0[.reader]?.string == reader }) {
            $0[.event]?.string == event && $0[.reader]?.string == reader && extra($0)
        }
    }
}
