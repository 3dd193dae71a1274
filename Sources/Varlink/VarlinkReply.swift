import Foundation

/// The answer channel for one call, handed to the handler. Thread-safe: a
/// streaming handler may send from whichever thread produces events.
///
/// Exactly one final message (`send` without `continues`, or `fail`) ends the
/// call; anything after it is ignored. A reply dropped without a final
/// message answers `MethodNotImplemented` from its deinit, so a handler bug
/// cannot leave the peer's connection waiting forever.
public final class VarlinkReply: @unchecked Sendable {
    /// What the handler asked to send; the sink decides how it travels.
    public enum Message: Sendable, Hashable {
        case parameters(JSONValue, continues: Bool)
        case error(VarlinkError)
    }

    public let method: String
    /// Whether the call asked for a stream; `continues` is honoured only then.
    public let more: Bool
    private let link: CallLink
    private let sink: @Sendable (Message) -> Void
    /// Held while delivering, so messages leave in the order they were sent
    /// even when several threads send on one stream.
    private let lock = NSLock()
    private var finished = false

    /// A reply that hands every message to `sink` (server-internal, and handy
    /// for testing handlers without a socket).
    public convenience init(method: String, more: Bool, sink: @escaping @Sendable (Message) -> Void) {
        self.init(method: method, more: more, link: CallLink(), sink: sink)
    }

    init(method: String, more: Bool, link: CallLink, sink: @escaping @Sendable (Message) -> Void) {
        self.method = method
        self.more = more
        self.link = link
        self.sink = sink
    }

    /// Sends reply parameters (a JSON object). With `continues` on a `more`
    /// call this is one element of a stream and more must follow; otherwise
    /// it is the final reply.
    public func send(_ parameters: JSONValue, continues: Bool = false) {
        assert(parameters.object != nil, "varlink reply parameters must be an object")
        let continuing = continues && more
        deliver(.parameters(parameters.object == nil ? .object([:]) : parameters, continues: continuing), final: !continuing)
    }

    /// Ends the call with an error reply.
    public func fail(_ error: VarlinkError) {
        deliver(.error(error), final: true)
    }

    /// For a long stream: waits until fewer than `limit` bytes of this
    /// call's replies are still on their way to the peer, so the producer
    /// keeps the reader's pace (the server disconnects a peer that leaves
    /// more than its output cap unread). False when the peer went away or
    /// read nothing for `timeout`.
    public func waitForBacklog(below limit: Int, timeout: Duration) -> Bool {
        link.waitForBacklog(below: limit, timeout: timeout)
    }

    /// False once the peer has gone; a stream producer should then stop.
    public var isConnected: Bool { link.isConnected }

    /// True once the final message was sent.
    public var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return finished
    }

    /// Registers `body` to run once if the peer disconnects before the call
    /// finishes (for example to unsubscribe a Monitor stream). Runs on a
    /// background queue, or immediately if the peer is already gone.
    public func onDisconnect(_ body: @escaping @Sendable () -> Void) {
        link.onDisconnect(body)
    }

    private func deliver(_ message: Message, final: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        if final {
            finished = true
            link.finish()
        }
        sink(message)
    }

    deinit {
        if !finished {
            link.finish()
            sink(.error(.methodNotImplemented(method)))
        }
    }
}
