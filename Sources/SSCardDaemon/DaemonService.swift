/// One part of the running daemon that holds something from `start` to
/// `stop`: the open store, a thread, a PC/SC context, the listening socket.
///
/// The shape is swift-service-lifecycle's `Service`, done synchronously:
/// the C libraries underneath (SQLite, libpq, pcsc-lite) block, and a start
/// that has to fail must fail before READY=1, so each start runs to the end
/// on the calling thread. A `ServiceGroup` starts services in order and
/// stops them in reverse; see docs/internals.md for the daemon's order.
protocol DaemonService: AnyObject {
    /// What the journal calls this service in the start and stop lines.
    var name: String { get }

    /// Acquires what the service holds and starts its threads. When it
    /// throws, the service holds nothing: the group will not call `stop`.
    func start() throws

    /// Releases what `start` acquired and returns once its threads have
    /// left. Called once, only after `start` returned. Throws only for a
    /// failure the exit status should report (the store's final close);
    /// the group goes on stopping the others either way.
    func stop() throws
}
