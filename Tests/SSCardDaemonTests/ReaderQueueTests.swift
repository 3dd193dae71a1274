import Foundation
@testable import SSCardDaemon
import SSCardRig
import Testing

/// The per-reader queue's deadline, bound and mark, with bodies that block
/// on a semaphore instead of a card (no PC/SC: the bodies never ask for a
/// context). The same behaviour against pcscd and a mute virtual card is
/// in UnresponsiveReaderTests.
@Suite("ReaderQueue: deadlines, bounds and the unresponsive mark")
struct ReaderQueueTests {
    static func queue(timeout: Duration = .milliseconds(300), limit: Int = 3,
                      marks: LockedValue<[Bool]> = LockedValue([])) -> ReaderQueue {
        ReaderQueue(name: "R", label: "test.reader", timeout: timeout, pendingLimit: limit,
                    unresponsive: .readerUnresponsive("R"), busy: .readerBusy(reader: "R", pending: limit),
                    responsiveness: { _, responsive in marks.append(responsive) })
    }

    /// Spins until `condition` holds (state changed on another thread, with
    /// no event to wait for); false after 5 s.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() {
            if ContinuousClock.now > deadline { return false }
        }
        return true
    }

    static func failure(_ body: () throws -> Void) -> ReaderFailure? {
        do {
            try body()
            return nil
        } catch {
            return error as? ReaderFailure
        }
    }

    @Test("a body that answers in time returns its value; its error comes out unchanged")
    func answersInTime() throws {
        let queue = Self.queue()
        #expect(try queue.run { _ in 42 } == 42)
        let error = Self.failure { _ = try queue.run { _ -> Int in throw ReaderFailure.noReader } }
        #expect(error?.description == ReaderFailure.noReader.description)
        #expect(!queue.isUnresponsive)
    }

    @Test("a stuck body: the caller is answered at the deadline, the reader is marked, later calls fail at once, and the mark goes when the body returns")
    func stuckBodyIsAbandoned() throws {
        let marks = LockedValue<[Bool]>([])
        let queue = Self.queue(marks: marks)
        let release = DispatchSemaphore(value: 0)
        let started = ContinuousClock.now
        let error = Self.failure { _ = try queue.run { _ in release.wait() } }
        let waited = ContinuousClock.now - started
        #expect(error?.description == ReaderFailure.readerUnresponsive("R").description)
        #expect(waited >= .milliseconds(290) && waited < .seconds(2), "\(waited)")
        #expect(queue.isUnresponsive && marks.value == [false])

        let fast = ContinuousClock.now
        let again = Self.failure { _ = try queue.run { _ in 1 } }
        #expect(again?.description == ReaderFailure.readerUnresponsive("R").description)
        #expect(ContinuousClock.now - fast < .milliseconds(100))

        // The abandoned body returns: the mark is cleared and the queue works again.
        release.signal()
        #expect(Self.eventually { !queue.isUnresponsive })
        #expect(try queue.run { _ in 7 } == 7)
        #expect(marks.value == [false, true])
    }

    @Test("beyond the bound, calls fail fast with ReaderBusy; those queued behind a stuck one are let go when it is marked")
    func boundAndQueuedCallers() throws {
        let queue = Self.queue(timeout: .seconds(2), limit: 3)
        let release = DispatchSemaphore(value: 0)
        let outcomes = LockedValue<[String]>([])
        let group = DispatchGroup()
        let running = DispatchSemaphore(value: 0)
        // Threads of their own, not the global queue: its few threads on a
        // 2-core machine would all be waiting, and the callers never start.
        group.enter()
        Thread.detachNewThread {
            let error = Self.failure { _ = try queue.run { _ in running.signal(); release.wait() } }
            outcomes.append("first: \(error.map { "\($0)" } ?? "ok")")
            group.leave()
        }
        running.wait()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                let error = Self.failure { _ = try queue.run { _ in 0 } }
                outcomes.append("queued: \(error.map { "\($0)" } ?? "ok")")
                group.leave()
            }
        }
        // Once both wait their turn, a fourth is refused at once.
        #expect(Self.eventually { queue.pendingCount == 3 })
        let busy = Self.failure { _ = try queue.run { _ in 0 } }
        #expect(busy?.description == ReaderFailure.readerBusy(reader: "R", pending: 3).description)
        #expect(group.wait(timeout: .now() + 5) == .success)
        #expect(outcomes.value.allSatisfy { $0.contains("ReaderUnresponsive") }, "\(outcomes.value)")
        release.signal()
    }

    @Test("a retired queue does not report its stuck body's return")
    func retiredQueueStaysQuiet() throws {
        let marks = LockedValue<[Bool]>([])
        let queue = Self.queue(marks: marks)
        let release = DispatchSemaphore(value: 0)
        _ = Self.failure { _ = try queue.run { _ in release.wait() } }
        queue.retire()
        release.signal()
        #expect(Self.eventually { queue.pendingCount == 0 })
        #expect(marks.value == [false])
    }
}
