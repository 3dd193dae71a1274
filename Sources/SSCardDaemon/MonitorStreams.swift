import Synchronization
import Varlink

/// The Monitor calls in progress. A stream ends when its client leaves or
/// when the daemon stops; either way the call is finished with a last reply,
/// so the server's graceful stop does not wait for streams that never end.
final class MonitorStreams: Sendable {
    private typealias Stream = (reply: VarlinkReply, end: @Sendable () -> Void)
    private let open = Mutex<[ObjectIdentifier: Stream]>([:])

    /// Registers a stream; `unsubscribe` detaches it from its event source.
    func add(_ reply: VarlinkReply, unsubscribe: @escaping @Sendable () -> Void) {
        let key = ObjectIdentifier(reply)
        open.withLock { $0[key] = (reply, unsubscribe) }
        reply.onDisconnect { [weak self] in self?.finish(key, final: [:]) }
    }

    /// Ends every stream with a final reply saying why.
    func endAll(_ final: JSONValue) {
        let keys = open.withLock { Array($0.keys) }
        for key in keys { finish(key, final: final) }
    }

    private func finish(_ key: ObjectIdentifier, final: JSONValue) {
        guard let stream = open.withLock({ $0.removeValue(forKey: key) }) else { return }
        stream.end()
        stream.reply.send(final, continues: false)
    }
}
