/// Daemon services started in order and stopped in reverse.
///
/// A start that fails part-way unwinds: the services already started are
/// stopped, last first, before the error reaches the caller, so a daemon that
/// cannot bind its socket does not leave the deadline keeper releasing
/// losses, the change feed listening or the readers polling behind a closed
/// store. (swift-service-lifecycle's `ServiceGroup` is the model; this one is
/// synchronous and used from one thread, the daemon's main thread.)
final class ServiceGroup {
    /// What happened to a service, in order, for the journal and for tests.
    enum Event: Equatable, Sendable {
        case started(String)
        case startFailed(String)
        case stopped(String)
        case stopFailed(String, reason: String)
    }

    private let services: [any DaemonService]
    private var running: [any DaemonService] = []
    private let record: (Event) -> Void

    /// `record` is told each start and stop as it happens.
    init(_ services: [any DaemonService], record: @escaping (Event) -> Void = { _ in }) {
        self.services = services
        self.record = record
    }

    /// The services started and not yet stopped, in start order.
    var runningNames: [String] { running.map(\.name) }

    /// Starts every service in order. When one throws, stops those already
    /// started, in reverse, then throws its error. Calling it again while
    /// running does nothing.
    func start() throws {
        guard running.isEmpty else { return }
        for service in services {
            do {
                try service.start()
            } catch {
                record(.startFailed(service.name))
                // The start error is the one to report; a stop error during
                // the unwind is recorded and the unwind goes on.
                _ = stopRunning()
                throw error
            }
            running.append(service)
            record(.started(service.name))
        }
    }

    /// Stops the running services, last started first. Each is stopped even
    /// when an earlier one throws; the first error is thrown at the end.
    func stop() throws {
        if let error = stopRunning() { throw error }
    }

    private func stopRunning() -> (any Error)? {
        var firstError: (any Error)?
        while let service = running.popLast() {
            do {
                try service.stop()
                record(.stopped(service.name))
            } catch {
                record(.stopFailed(service.name, reason: String(describing: error)))
                if firstError == nil { firstError = error }
            }
        }
        return firstError
    }
}
