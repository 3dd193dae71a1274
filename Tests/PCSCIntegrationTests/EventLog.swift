import SSCardRig
import Foundation
import PCSC

/// Collects a `ReaderMonitor`'s events so a test can wait for one.
final class EventLog: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [ReaderEvent] = []

    /// A started monitor and its log, once both vpcd slots have been
    /// reported (whatever the previous test left behind).
    static func watchingBothSlots() throws -> (EventLog, ReaderMonitor) {
        let events = EventLog()
        let monitor = try ReaderMonitor()
        monitor.start { [events] in events.record($0) }
        try events.wait(for: "slot 1 attached") { $0 == .readerAttached(PCSCRig.reader1) }
        return (events, monitor)
    }

    func record(_ event: ReaderEvent) {
        condition.withLock {
            events.append(event)
            condition.broadcast()
        }
    }

    var count: Int { condition.withLock { events.count } }
    var all: [ReaderEvent] { condition.withLock { events } }

    /// Waits for an event matching `predicate` among those from index
    /// `after` on; returns the index after it, for the next wait. Ends on
    /// the event's arrival; the timeout only bounds a broken run.
    @discardableResult
    func wait(after: Int = 0, timeout: TimeInterval = 20, for what: String,
              _ predicate: (ReaderEvent) -> Bool) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var index = after
        while true {
            while index < events.count {
                index += 1
                if predicate(events[index - 1]) { return index }
            }
            if !condition.wait(until: deadline) {
                throw RigError.timeout("\(what); saw \(events.map(\.description))")
            }
        }
    }
}
