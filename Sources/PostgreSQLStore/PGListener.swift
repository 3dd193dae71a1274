import Foundation
import Synchronization

/// A connection of its own that LISTENs on one channel and hands every
/// notification to `deliver`, on a thread of its own, across reconnects.
///
/// A lost connection is replaced after a backoff (`minimumBackoff` doubling
/// to `maximumBackoff`); `onConnected` runs each time the channel is
/// listened to again, before any notification of the new session is
/// delivered, because NOTIFYs sent while no session listened are not kept by
/// the server: whoever listens must then catch up another way (reading what
/// it missed on the connection it is given, which already listens, so that
/// nothing committed meanwhile falls between the two).
///
/// Both callbacks get the listening connection for such reads. An error either
/// throws counts as a lost connection: the session is closed and made again
/// after the backoff, and `onConnected` runs again.
public final class PGListener: Sendable {
    public let conninfo: String
    public let channel: String
    /// The session's `application_name` (nil: the conninfo's).
    public let applicationName: String?
    private let deliver: @Sendable (PGConnection, [PGNotification]) throws -> Void
    private let onConnected: @Sendable (_ connection: PGConnection, _ reconnect: Bool) throws -> Void
    private let onLost: @Sendable (Error) -> Void
    private let minimumBackoff: TimeInterval
    private let maximumBackoff: TimeInterval
    private struct Phase {
        var started = false
        var stopping = false
    }

    private let phase = Mutex(Phase())
    private let done = DispatchSemaphore(value: 0)
    /// How often the thread looks at `stopping` while no notification arrives.
    private let pollInterval: TimeInterval = 0.2

    public init(conninfo: String, channel: String, applicationName: String? = nil,
                minimumBackoff: TimeInterval = 0.05, maximumBackoff: TimeInterval = 5,
                onConnected: @escaping @Sendable (_ connection: PGConnection, _ reconnect: Bool) throws -> Void = { _, _ in },
                onLost: @escaping @Sendable (Error) -> Void = { _ in },
                deliver: @escaping @Sendable (PGConnection, [PGNotification]) throws -> Void) {
        self.conninfo = conninfo
        self.channel = channel
        self.applicationName = applicationName
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.onConnected = onConnected
        self.onLost = onLost
        self.deliver = deliver
    }

    public func start() {
        phase.withLock { $0.started = true }
        let thread = Thread { [self] in run() }
        thread.name = "sscard.pg-listener"
        thread.start()
    }

    /// Stops the thread and waits until it has closed its connection.
    public func stop() {
        let wasRunning = phase.withLock { phase in
            defer { phase.stopping = true }
            return phase.started && !phase.stopping
        }
        if wasRunning { done.wait() }
    }

    private var isStopping: Bool { phase.withLock { $0.stopping } }

    private func run() {
        var failures = 0
        var connectedBefore = false
        while !isStopping {
            do {
                let connection = try PGConnection(conninfo: conninfo, applicationName: applicationName)
                defer { connection.close() }
                try connection.listen(channel)
                // From here on a session listened: a later one may have missed something.
                let reconnect = connectedBefore
                connectedBefore = true
                try onConnected(connection, reconnect)
                failures = 0
                while !isStopping {
                    let received = try connection.notifications(waitingUpTo: pollInterval)
                    if !received.isEmpty { try deliver(connection, received) }
                }
            } catch {
                onLost(error)
                failures += 1
                let delay = min(maximumBackoff, minimumBackoff * pow(2, Double(min(failures - 1, 20))))
                pause(delay * Double.random(in: 0.5...1.0))
            }
        }
        done.signal()
    }

    /// Sleeps in short steps so that `stop` is not held up by a long backoff.
    private func pause(_ seconds: TimeInterval) {
        let until = Date().addingTimeInterval(seconds)
        while !isStopping, Date() < until {
            Thread.sleep(forTimeInterval: min(pollInterval, until.timeIntervalSinceNow))
        }
    }
}
