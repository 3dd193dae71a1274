import CSQLite
import Dispatch
import Foundation
@testable import SQLiteStore
import SSCardRig
import Testing

@Suite struct GroupCommitTests {
    struct Refusal: Error, Equatable { let caller: Int }

    static func open(_ directory: TemporaryDirectory) throws -> Connection {
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("CREATE TABLE t (writer INTEGER NOT NULL, n INTEGER NOT NULL, UNIQUE (writer, n))")
        return connection
    }

    /// Runs `body` on its own thread; `group.wait()` joins them all.
    static func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }

    @Test func sixteenThreadsBatchAndEveryWriteLands() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory), maxBatch: 64)
        let threads = 16, perThread = 60
        let failures = LockedValue(0)
        let group = DispatchGroup()
        for writer in 0..<threads {
            Self.spawn(group) {
                for n in 0..<perThread {
                    do {
                        let rowID = try groupCommit.write { c in
                            try c.run("INSERT INTO t (writer, n) VALUES (?, ?)", [.integer(Int64(writer)), .integer(Int64(n))])
                            return c.lastInsertRowID
                        }
                        if rowID <= 0 { failures.withLock { $0 += 1 } }
                    } catch {
                        failures.withLock { $0 += 1 }
                    }
                }
            }
        }
        group.wait()
        #expect(failures.value == 0)
        let stats = groupCommit.statistics
        #expect(stats.writes == threads * perThread)
        #expect(stats.transactions < stats.writes)
        groupCommit.close()
        let reader = try Connection(path: directory.path("db.sqlite"), options: .reader)
        #expect(try reader.queryOne("SELECT count(*), count(DISTINCT writer) FROM t", []) {
            [$0.int64(0), $0.int64(1)]
        } == [Int64(threads * perThread), Int64(threads)])
    }

    /// Holds the writer inside a first write until all `writes` are queued,
    /// in order, so they deterministically form the next batch.
    static func batch(on groupCommit: GroupCommit, _ writes: [@Sendable () -> Void]) {
        let gate = DispatchSemaphore(value: 0)
        let holding = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        spawn(group) {
            _ = try? groupCommit.write { _ in
                holding.signal()
                gate.wait()
            }
        }
        holding.wait()  // the writer is inside the first write: the rest must queue
        for (index, write) in writes.enumerated() {
            spawn(group, write)
            groupCommit.waitUntilPending(index + 1)  // keeps the queue in list order
        }
        gate.signal()
        group.wait()
    }

    @Test func aFailingClosureOnlyLosesItsOwnWrites() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        let outcomes = LockedValue<[Int: String]>([:])
        let insert = "INSERT INTO t (writer, n) VALUES (?, ?)"
        Self.batch(on: groupCommit, (1...4).map { caller in
            {
                do {
                    try groupCommit.write { c in
                        try c.run(insert, [.integer(Int64(caller)), 1])
                        if caller == 2 { throw Refusal(caller: caller) }
                        if caller == 3 { try c.run(insert, [.integer(Int64(caller)), 1]) }  // duplicate: constraint
                    }
                    outcomes.withLock { $0[caller] = "ok" }
                } catch let error as Refusal {
                    outcomes.withLock { $0[caller] = "refused \(error.caller)" }
                } catch let error as SQLiteError {
                    outcomes.withLock { $0[caller] = "sqlite \(error.code.rawValue)" }
                } catch {
                    outcomes.withLock { $0[caller] = "other" }
                }
            }
        })
        #expect(outcomes.value == [1: "ok", 2: "refused 2", 3: "sqlite 19", 4: "ok"])
        #expect(groupCommit.statistics.transactions == 2)
        #expect(groupCommit.statistics.writes == 5)
        groupCommit.close()
        let reader = try Connection(path: directory.path("db.sqlite"))
        #expect(try reader.queryAll("SELECT writer FROM t ORDER BY writer", []) { $0.int64(0) } == [1, 4])
    }

    @Test func aFailedCommitFailsTheWholeBatchAndAppliesNothing() throws {
        let directory = try TemporaryDirectory()
        let connection = try Self.open(directory)
        // A commit hook that vetoes once when armed: COMMIT becomes ROLLBACK,
        // which is how a commit-time failure (like a full disk) looks to us.
        let veto = Veto()
        sqlite3_commit_hook(try connection.handle(), { context in
            let veto = Unmanaged<Veto>.fromOpaque(context!).takeUnretainedValue()
            defer { veto.armed = false }
            return veto.armed ? 1 : 0
        }, Unmanaged.passUnretained(veto).toOpaque())
        let groupCommit = GroupCommit(connection: connection)
        let outcomes = LockedValue<[Int: String]>([:])
        Self.batch(on: groupCommit, (1...3).map { caller in
            {
                do {
                    try groupCommit.write { c in
                        if caller == 2 { veto.armed = true }
                        try c.run("INSERT INTO t (writer, n) VALUES (?, 1)", [.integer(Int64(caller))])
                    }
                    outcomes.withLock { $0[caller] = "ok" }
                } catch let error as SQLiteError {
                    outcomes.withLock { $0[caller] = "sqlite \(error.extendedCode.rawValue)" }
                } catch {
                    outcomes.withLock { $0[caller] = "other" }
                }
            }
        })
        let hook = "sqlite \(ResultCode.constraintCommitHook.rawValue)"
        #expect(outcomes.value == [1: hook, 2: hook, 3: hook])
        try groupCommit.write { c in try c.run("INSERT INTO t (writer, n) VALUES (9, 9)") }
        groupCommit.close()
        let reader = try Connection(path: directory.path("db.sqlite"))
        #expect(try reader.queryAll("SELECT writer FROM t", []) { $0.int64(0) } == [9])
        withExtendedLifetime(veto) {}
    }

    @Test func aWriteIsVisibleToAnotherConnectionWhenItReturns() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        let reader = try Connection(path: directory.path("db.sqlite"), options: .reader)
        for n in 1...40 {
            try groupCommit.write { c in try c.run("INSERT INTO t (writer, n) VALUES (0, ?)", [.integer(Int64(n))]) }
            #expect(try reader.queryOne("SELECT max(n) FROM t", []) { $0.int64(0) } == Int64(n))
        }
        groupCommit.close()
    }

    @Test func deferredForeignKeyViolationsStayWithTheirCaller() throws {
        let directory = try TemporaryDirectory()
        let connection = try Connection(path: directory.path("db.sqlite"))
        try connection.execute("""
            CREATE TABLE person (id INTEGER PRIMARY KEY);
            CREATE TABLE card (id INTEGER PRIMARY KEY,
                               person_id INTEGER REFERENCES person (id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let groupCommit = GroupCommit(connection: connection)
        let outcomes = LockedValue<[Int: String]>([:])
        Self.batch(on: groupCommit, [1, 2].map { caller in
            {
                do {
                    try groupCommit.write { c in
                        try c.run("INSERT INTO person (id) VALUES (?)", [.integer(Int64(caller))])
                        try c.run("INSERT INTO card (person_id) VALUES (?)", [.integer(caller == 1 ? 1 : 99)])
                    }
                    outcomes.withLock { $0[caller] = "ok" }
                } catch let error as SQLiteError {
                    outcomes.withLock { $0[caller] = "sqlite \(error.extendedCode.rawValue)" }
                } catch {
                    outcomes.withLock { $0[caller] = "other" }
                }
            }
        })
        #expect(outcomes.value == [1: "ok", 2: "sqlite \(ResultCode.constraintForeignKey.rawValue)"])
        groupCommit.close()
        let reader = try Connection(path: directory.path("db.sqlite"))
        #expect(try reader.queryAll("SELECT person_id FROM card", []) { $0.int64(0) } == [1])
        #expect(try reader.queryAll("SELECT id FROM person", []) { $0.int64(0) } == [1])
    }

    /// Callers may wrap a non-escaping closure with `withoutActuallyEscaping`
    /// because `write` blocks; that traps if the store still holds the
    /// closure when the caller wakes, so it must be released first.
    @Test func nonEscapingBodiesAreReleasedBeforeTheCallerWakes() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        @Sendable func insert(_ writer: Int, _ n: Int, _ body: (Connection) throws -> Void) throws {
            try withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                try groupCommit.write { c in try body(c) }
            }
        }
        let failures = LockedValue(0)
        let group = DispatchGroup()
        for writer in 0..<4 {
            Self.spawn(group) {
                for n in 0..<50 {
                    do {
                        try insert(writer, n) { c in
                            try c.run("INSERT INTO t (writer, n) VALUES (?, ?)", [.integer(Int64(writer)), .integer(Int64(n))])
                        }
                    } catch {
                        failures.withLock { $0 += 1 }
                    }
                }
            }
        }
        group.wait()
        #expect(failures.value == 0)
        #expect(groupCommit.statistics.writes == 200)
        groupCommit.close()
    }

    /// With nothing queued, a blocking write commits on its caller's thread;
    /// a write arriving meanwhile queues, and the writer thread commits it
    /// once the caller gives the connection back.
    @Test func aLoneWriteCommitsOnItsCallersThreadAndOthersQueueBehindIt() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        let caller = Thread.current
        let onCaller = try groupCommit.write { c in
            try c.run("INSERT INTO t (writer, n) VALUES (0, 0)")
            return Thread.current === caller
        }
        #expect(onCaller)

        let holding = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0)
        let outcomes = LockedValue<[Int: String]>([:])
        let group = DispatchGroup()
        Self.spawn(group) {
            let thread = Thread.current
            let direct = try? groupCommit.write { c in
                holding.signal()
                gate.wait()
                try c.run("INSERT INTO t (writer, n) VALUES (1, 0)")
                return Thread.current === thread
            }
            outcomes.withLock { $0[1] = direct == true ? "direct" : "queued" }
        }
        holding.wait()  // the first caller holds the connection
        Self.spawn(group) {
            let thread = Thread.current
            let seen = try? groupCommit.write { c in
                let count = try c.queryOne("SELECT count(*) FROM t WHERE writer = 1", []) { $0.int64(0) ?? -1 } ?? -1
                return (Thread.current === thread ? "direct " : "queued ") + String(count)
            }
            outcomes.withLock { $0[2] = seen ?? "failed" }
        }
        groupCommit.waitUntilPending(1)
        gate.signal()
        group.wait()
        #expect(outcomes.value == [1: "direct", 2: "queued 1"])
        #expect(groupCommit.statistics == (transactions: 3, writes: 3))
        groupCommit.close()
    }

    /// `close()` from inside a write its caller commits: intake stops, the
    /// write still commits durably, and the writer thread closes the
    /// connection only after the caller has given it back.
    @Test func closingFromInsideALoneWriteKeepsThatWrite() throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        let value = try groupCommit.write { c in
            groupCommit.close()
            try c.run("INSERT INTO t (writer, n) VALUES (7, 7)")
            return 7
        }
        #expect(value == 7)
        #expect(throws: GroupCommitError.closed) { try groupCommit.write { _ in 0 } }
        groupCommit.close()  // waits for the writer thread to stop
        let reader = try Connection(path: directory.path("db.sqlite"), options: .reader)
        #expect(try reader.queryOne("SELECT count(*) FROM t WHERE writer = 7", []) { $0.int64(0) } == 1)
    }

    @Test func asyncWritesCloseAndReentrancy() async throws {
        let directory = try TemporaryDirectory()
        let groupCommit = GroupCommit(connection: try Self.open(directory))
        let ids = try await withThrowingTaskGroup(of: Int64.self) { tasks in
            for n in 0..<20 {
                tasks.addTask {
                    try await groupCommit.writeAsync { c in
                        try c.run("INSERT INTO t (writer, n) VALUES (1, ?)", [.integer(Int64(n))])
                        return c.lastInsertRowID
                    }
                }
            }
            return try await tasks.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids == Set(1...20))
        #expect(throws: GroupCommitError.reentrantWrite) {
            try groupCommit.write { _ in try groupCommit.write { _ in 0 } }
        }
        groupCommit.close()
        groupCommit.close()
        #expect(throws: GroupCommitError.closed) { try groupCommit.write { _ in 0 } }
        await #expect(throws: GroupCommitError.closed) { try await groupCommit.writeAsync { _ in 0 } }
    }
}

/// Touched only on the writer thread (inside write closures and the commit hook).
final class Veto: @unchecked Sendable {
    var armed = false
}
