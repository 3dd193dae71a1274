import Foundation
import Varlink

/// A well-behaved client on a thread of its own: it repeats one step (a
/// call or a few) on its connection until stopped, and counts what failed.
///
/// A transport failure reconnects, and counts as a failure: the runs check
/// that a daemon under faults never drops a client that did nothing wrong.
final class ClientLoop: @unchecked Sendable {
    typealias Step = (VarlinkClient, Int) throws -> Void

    let name: String
    private let socketPath: String
    private let step: Step
    private let lock = NSLock()
    private var stopping = false
    private var iterations = 0
    private var failureCount = 0
    private var firstFailures: [String] = []
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    /// `step` gets the connection and the iteration number; what it throws is a failure.
    init(name: String, socketPath: String, step: @escaping Step) {
        self.name = name
        self.socketPath = socketPath
        self.step = step
    }

    private var thread: Thread?

    func start() {
        started = true
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "client-\(name)"
        self.thread = thread
        thread.start()
    }

    /// Asks the loop to stop after the step in progress, without waiting.
    /// A step that waits for events (a Monitor stream) sees it as
    /// `Thread.current.isCancelled`.
    func requestStop() {
        lock.withLock { stopping = true }
        thread?.cancel()
    }

    /// Stops after the step in progress and waits for the thread.
    @discardableResult
    func stop() -> ClientLoop {
        requestStop()
        if started { finished.wait() }
        started = false
        return self
    }

    var calls: Int { lock.withLock { iterations } }
    var failures: Int { lock.withLock { failureCount } }
    /// The first few failures, for the report.
    var failureSamples: [String] { lock.withLock { firstFailures } }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func fail(_ error: Error) {
        lock.withLock {
            failureCount += 1
            if firstFailures.count < 3 { firstFailures.append("\(name): \(error)") }
        }
    }

    private func run() {
        var client: VarlinkClient?
        var iteration = 0
        while !isStopping {
            do {
                if client == nil || client?.isConnected == false {
                    client = try VarlinkClient(path: socketPath, timeout: .seconds(20))
                }
                try step(client!, iteration)
            } catch {
                fail(error)
            }
            iteration += 1
            lock.withLock { iterations = iteration }
        }
        client?.close()
    }
}

/// The figure for a set of client loops: calls made and failures.
func summary(_ loops: [ClientLoop]) -> (calls: Int, failures: Int, samples: [String]) {
    (loops.reduce(0) { $0 + $1.calls }, loops.reduce(0) { $0 + $1.failures }, loops.flatMap(\.failureSamples))
}
