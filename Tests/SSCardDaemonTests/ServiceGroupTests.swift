@testable import SSCardDaemon
import SSCardRig
import Testing

/// The ordered group itself, with fake services that record what happens to them.
@Suite("ServiceGroup: start in order, stop in reverse, unwind a failed start")
struct ServiceGroupTests {
    struct Refused: Error, Equatable { let name: String }

    final class FakeService: DaemonService {
        let name: String
        private let journal: LockedValue<[String]>
        private let failsToStart: Bool
        private let failsToStop: Bool

        init(_ name: String, journal: LockedValue<[String]>, failsToStart: Bool = false, failsToStop: Bool = false) {
            self.name = name
            self.journal = journal
            self.failsToStart = failsToStart
            self.failsToStop = failsToStop
        }

        func start() throws {
            journal.append("start \(name)")
            if failsToStart { throw Refused(name: name) }
        }

        func stop() throws {
            journal.append("stop \(name)")
            if failsToStop { throw Refused(name: name) }
        }
    }

    @Test("services start in the order given and stop in reverse")
    func order() throws {
        let journal = LockedValue<[String]>([])
        let group = ServiceGroup(["store", "keeper", "feed", "readers", "server"].map { FakeService($0, journal: journal) })
        try group.start()
        #expect(group.runningNames == ["store", "keeper", "feed", "readers", "server"])
        try group.stop()
        #expect(journal.value == ["start store", "start keeper", "start feed", "start readers", "start server",
                                  "stop server", "stop readers", "stop feed", "stop keeper", "stop store"])
        #expect(group.runningNames.isEmpty)
        // Stopped is stopped: a second stop touches nothing.
        try group.stop()
        #expect(journal.value.count == 10)
    }

    @Test("a failed start stops what started before it, last first, and throws the start's error")
    func unwind() throws {
        let journal = LockedValue<[String]>([])
        let events = LockedValue<[ServiceGroup.Event]>([])
        let group = ServiceGroup([FakeService("store", journal: journal), FakeService("keeper", journal: journal),
                                  FakeService("server", journal: journal, failsToStart: true),
                                  FakeService("watchdog", journal: journal)],
                                 record: { events.append($0) })
        #expect(throws: Refused(name: "server")) { try group.start() }
        // The failed one is not stopped (it holds nothing); the one after it never starts.
        #expect(journal.value == ["start store", "start keeper", "start server", "stop keeper", "stop store"])
        #expect(events.value == [.started("store"), .started("keeper"), .startFailed("server"),
                                 .stopped("keeper"), .stopped("store")])
        #expect(group.runningNames.isEmpty)
    }

    @Test("a stop that fails does not keep the others running; the first stop error is thrown")
    func stopFailure() throws {
        let journal = LockedValue<[String]>([])
        let events = LockedValue<[ServiceGroup.Event]>([])
        let group = ServiceGroup([FakeService("store", journal: journal, failsToStop: true),
                                  FakeService("keeper", journal: journal, failsToStop: true),
                                  FakeService("server", journal: journal)],
                                 record: { events.append($0) })
        try group.start()
        #expect(throws: Refused(name: "keeper")) { try group.stop() }
        #expect(journal.value.suffix(3) == ["stop server", "stop keeper", "stop store"])
        #expect(events.value.suffix(3) == [.stopped("server"), .stopFailed("keeper", reason: "Refused(name: \"keeper\")"),
                                           .stopFailed("store", reason: "Refused(name: \"store\")")])
    }

    @Test("an unwind goes on past a stop that fails, and reports the start's error, not the stop's")
    func unwindPastStopFailure() throws {
        let journal = LockedValue<[String]>([])
        let group = ServiceGroup([FakeService("store", journal: journal),
                                  FakeService("keeper", journal: journal, failsToStop: true),
                                  FakeService("server", journal: journal, failsToStart: true)])
        #expect(throws: Refused(name: "server")) { try group.start() }
        #expect(journal.value == ["start store", "start keeper", "start server", "stop keeper", "stop store"])
    }
}
