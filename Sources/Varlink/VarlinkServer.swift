import Foundation

/// A varlink service on a Unix stream socket.
///
/// One I/O thread multiplexes every connection with epoll; a fixed pool of
/// worker threads parses calls and runs the handler. Calls on a connection
/// are answered strictly in order. See docs/protocol-transport.md.
///
/// The socket is bound (or adopted) in `init`, so a second daemon fails at
/// once with `VarlinkServerError.alreadyRunning`, before reporting ready.
public final class VarlinkServer: @unchecked Sendable {
    public let configuration: Configuration
    /// True when the listening socket came from systemd or `listeningDescriptor`.
    public let isSocketInherited: Bool
    /// Where clients reach this server: the path bound, or the address of
    /// the inherited socket (which need not be `configuration.socketPath`).
    public let socketAddress: String

    private let loop: ConnectionLoop
    private let workers: CallWorkers
    private let condition = NSCondition()
    private var state: State = .created

    private enum State { case created, running, stopped }

    public init(configuration: Configuration, info: VarlinkServiceInfo, interfaces: [VarlinkInterface],
                handler: any VarlinkHandler) throws {
        self.configuration = configuration
        var inherited = configuration.listeningDescriptor
        if inherited == nil, configuration.acceptsSocketActivation {
            inherited = SocketActivation.takeInheritedDescriptors().first
        }
        let listener: ListeningSocket
        if let inherited {
            listener = try ListeningSocket.adopt(descriptor: inherited)
        } else {
            listener = try ListeningSocket.bind(path: configuration.socketPath, mode: configuration.socketMode,
                                                group: configuration.socketGroup)
        }
        isSocketInherited = inherited != nil
        socketAddress = listener.localAddress ?? configuration.socketPath
        var offered = [VarlinkInterface.service]
        for interface in interfaces where !offered.contains(where: { $0.name == interface.name }) {
            offered.append(interface)
        }
        let router = CallRouter(info: info, interfaces: offered, handler: handler,
                                maximumDepth: configuration.maxNestingDepth)
        let wakeup = try Wakeup()
        workers = CallWorkers(count: configuration.workerThreads, name: "varlink-worker")
        let limits = ConnectionLoop.Limits(
            maxConnections: configuration.maxConnections, maxConnectionsPerUID: configuration.maxConnectionsPerUID,
            uncappedUIDs: configuration.uncappedUIDs, idleTimeout: configuration.idleTimeout,
            maxMessageBytes: configuration.maxMessageBytes,
            maxPendingOutputBytes: configuration.maxPendingOutputBytes,
            maxQueuedCalls: configuration.maxQueuedCallsPerConnection, stopTimeout: configuration.stopTimeout)
        do {
            loop = try ConnectionLoop(listener: listener, wakeup: wakeup, outbox: ReplyOutbox(wakeup: wakeup),
                                      workers: workers, router: router, limits: limits)
        } catch {
            workers.shutdown()
            throw error
        }
    }

    /// Same, with the GetInfo fields as a tuple.
    public convenience init(configuration: Configuration,
                            info: (vendor: String, product: String, version: String, url: String),
                            interfaces: [VarlinkInterface], handler: any VarlinkHandler) throws {
        try self.init(configuration: configuration,
                      info: VarlinkServiceInfo(vendor: info.vendor, product: info.product, version: info.version, url: info.url),
                      interfaces: interfaces, handler: handler)
    }

    /// Starts the I/O thread and returns. Calling it again does nothing.
    public func start() {
        condition.lock()
        guard state == .created else {
            condition.unlock()
            return
        }
        state = .running
        condition.unlock()
        let thread = Thread { [self] in
            loop.run()
            condition.lock()
            state = .stopped
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "varlink-io"
        thread.start()
    }

    /// Serves until `stop()` is called from another thread.
    public func run() {
        start()
        waitUntilStopped()
    }

    /// Stops accepting, waits for in-flight calls to reply (up to
    /// `stopTimeout`), flushes those replies and closes every connection.
    /// Returns when that is done. The socket file is removed if this server
    /// bound it.
    public func stop() {
        condition.lock()
        if state == .created {
            state = .stopped
            condition.unlock()
            loop.requestStop()
            loop.run()  // closes the listener and releases the workers; returns at once
            return
        }
        condition.unlock()
        loop.requestStop()
        waitUntilStopped()
    }

    public func waitUntilStopped() {
        condition.lock()
        while state != .stopped { condition.wait() }
        condition.unlock()
    }

    /// Connections turned away at the connection limit since start.
    public var refusedConnections: Int { loop.refusedConnections }
    /// Connections closed by the idle timeout.
    public var idleClosedConnections: Int { loop.idleClosedConnections }
}
