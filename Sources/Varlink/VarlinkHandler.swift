/// The daemon's side of the protocol: everything except the transport and
/// `org.varlink.service`.
///
/// `handle` runs on one of the server's worker threads and may block (a
/// durable commit, a card transaction). It must eventually answer through
/// `reply` with exactly one final `send` or `fail`; a streaming handler may
/// first `send(_, continues: true)` any number of times. Calls on one
/// connection are handed over one at a time, in the order they arrived.
public protocol VarlinkHandler: Sendable {
    func handle(_ call: VarlinkCall, reply: VarlinkReply)
    /// The connection `VarlinkCall.connectionID` named is closed: state kept
    /// for it can go. Called on the server's I/O thread, so it must not block.
    func connectionClosed(_ connectionID: UInt64)
}

extension VarlinkHandler {
    public func connectionClosed(_ connectionID: UInt64) {}
}
