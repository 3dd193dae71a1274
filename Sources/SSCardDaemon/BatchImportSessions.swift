import Synchronization
import SSCardInterfaces
import Varlink

/// The open production-batch imports: the text each has received so far,
/// held until commit. Bounded so that a peer cannot exhaust the daemon's
/// memory — bytes a session, sessions a user and in all — and each session
/// is usable only from the connection that began it, and ends when that
/// connection closes (`VarlinkHandler.connectionClosed`) or after idle
/// minutes, whichever comes first.
final class BatchImportSessions: Sendable {
    struct Limits: Sendable {
        /// 100,000 rows of the documented layout take about 11 MB.
        var maxBytes = 32 << 20
        var maxOpenPerUser = 2
        var maxOpen = 4
        var idle: Duration = .seconds(300)
    }

    private struct Session {
        var uid: UInt32
        var connectionID: UInt64
        var text: [UInt8] = []
        var lastUsed: ContinuousClock.Instant
    }

    let limits: Limits
    private let sessions = Mutex<[String: Session]>([:])

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    func begin(_ call: VarlinkCall) throws -> String {
        let now = ContinuousClock.now
        return try sessions.withLock { open in
            open = open.filter { now - $0.value.lastUsed < limits.idle }
            guard open.values.filter({ $0.uid == call.peer.uid }).count < limits.maxOpenPerUser else {
                throw Self.invalid("", "this user has \(limits.maxOpenPerUser) imports open already: commit or abort one")
            }
            guard open.count < limits.maxOpen else {
                throw Self.invalid("", "\(limits.maxOpen) imports are open already")
            }
            var generator = SystemRandomNumberGenerator()
            let id = (0..<4).map { _ in String(generator.next() as UInt32, radix: 16) }.joined(separator: "-")
            open[id] = Session(uid: call.peer.uid, connectionID: call.connectionID, lastUsed: now)
            return id
        }
    }

    /// Appends `text` and returns the session's size in bytes.
    func add(_ id: String, _ text: String, _ call: VarlinkCall) throws -> Int {
        try sessions.withLock { open in
            var session = try Self.owned(&open, id, call, limits.idle)
            guard session.text.count + text.utf8.count <= limits.maxBytes else {
                open[id] = nil
                throw Self.invalid(id, "the batch is over \(limits.maxBytes) bytes; the session is closed")
            }
            session.text.append(contentsOf: text.utf8)
            session.lastUsed = .now
            open[id] = session
            return session.text.count
        }
    }

    /// Ends the session and gives its text.
    func take(_ id: String, _ call: VarlinkCall) throws -> [UInt8] {
        try sessions.withLock { open in
            let session = try Self.owned(&open, id, call, limits.idle)
            open[id] = nil
            return session.text
        }
    }

    var openCount: Int { sessions.withLock { $0.count } }

    /// Drops the sessions of a closed connection (the server's I/O thread: a lock and a filter).
    func connectionClosed(_ connectionID: UInt64) {
        sessions.withLock { open in
            if open.values.contains(where: { $0.connectionID == connectionID }) {
                open = open.filter { $0.value.connectionID != connectionID }
            }
        }
    }

    private static func owned(_ open: inout [String: Session], _ id: String, _ call: VarlinkCall,
                              _ idle: Duration) throws -> Session {
        guard let session = open[id], session.uid == call.peer.uid, session.connectionID == call.connectionID else {
            throw invalid(id, "no open import session by this id on this connection")
        }
        guard ContinuousClock.now - session.lastUsed < idle else {
            open[id] = nil
            throw invalid(id, "the session expired after \(idle) idle")
        }
        return session
    }

    static func invalid(_ id: String, _ reason: String) -> VarlinkError {
        VarlinkError(RegistryErrorName.importSessionInvalid, [.session: .string(id), .reason: .string(reason)])
    }
}
