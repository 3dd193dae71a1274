extension VarlinkServer {
    /// Listening socket and resource limits. The defaults suit a service
    /// point: a handful of kiosks and admin tools, occasionally many monitors.
    public struct Configuration: Sendable {
        /// Where to bind when the socket is not inherited.
        public var socketPath: String
        /// File mode of the bound socket; connecting needs write permission.
        public var socketMode: UInt32 = 0o660
        /// Group to own the bound socket (staff who may connect); nil keeps the process's group.
        public var socketGroup: UInt32?
        /// Largest message accepted, without its NUL terminator. A bigger one
        /// is answered with InvalidParameter("message") and the connection closed.
        public var maxMessageBytes = 65536
        /// Connections beyond this are accepted and closed at once.
        public var maxConnections = 1024
        /// Connections one uid may hold at once; beyond it, accepted and
        /// closed at once like those beyond `maxConnections`, so that one
        /// local account cannot take every slot from the others.
        public var maxConnectionsPerUID = 64
        /// Uids the per-uid cap does not apply to. Root by default: it can
        /// stop the daemon anyway, and the test harnesses open floods as root.
        public var uncappedUIDs: Set<UInt32> = [0]
        /// A connection with nothing in flight, nothing queued and nothing
        /// unread that has been silent this long is closed, so idle peers do
        /// not hold descriptors forever. A stream in progress (`more`) is a
        /// call in flight and never times out; nil disables the timeout.
        public var idleTimeout: Duration? = .seconds(300)
        /// Threads that run handlers; the cap on concurrently blocking calls.
        public var workerThreads = 16
        /// Reply bytes a peer may leave unread before it is disconnected, so
        /// a stalled reader cannot grow the daemon's memory without bound.
        public var maxPendingOutputBytes = 4 << 20
        /// Pipelined calls buffered per connection before the server stops
        /// reading from it (backpressure, not an error).
        public var maxQueuedCallsPerConnection = 64
        /// Deepest JSON nesting accepted in a message.
        public var maxNestingDepth = JSONValue.defaultMaximumDepth
        /// How long `stop()` waits for in-flight calls before closing anyway.
        public var stopTimeout: Duration = .seconds(10)
        /// Adopt a socket passed by systemd (LISTEN_FDS) instead of binding `socketPath`.
        public var acceptsSocketActivation = true
        /// An already listening descriptor to adopt (takes precedence over
        /// socket activation and `socketPath`); the server then owns it.
        public var listeningDescriptor: Int32?

        public init(socketPath: String) {
            self.socketPath = socketPath
        }
    }
}
