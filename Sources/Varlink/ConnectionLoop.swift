import CSystemShims
import Foundation

/// The I/O thread: one epoll loop over the listening socket, the reply
/// wakeup and every connection. It never blocks on a peer (all sockets are
/// non-blocking, output is buffered per connection) and never runs handler
/// code, so a slow peer or a slow call delays nobody else.
final class ConnectionLoop: @unchecked Sendable {
    struct Limits {
        var maxConnections: Int
        var maxConnectionsPerUID: Int
        var uncappedUIDs: Set<UInt32>
        var idleTimeout: Duration?
        var maxMessageBytes: Int
        var maxPendingOutputBytes: Int
        var maxQueuedCalls: Int
        var stopTimeout: Duration
    }

    private static let listenerToken: UInt64 = 0
    private static let wakeupToken: UInt64 = 1
    private static let oversizedReply = VarlinkReply.Message.error(.invalidParameter("message")).encoded()

    private let listener: ListeningSocket
    private let poller: EventPoller
    private let wakeup: Wakeup
    private let outbox: ReplyOutbox
    private let workers: CallWorkers
    private let router: CallRouter
    private let limits: Limits
    private let scratch: UnsafeMutableRawBufferPointer

    // I/O thread state.
    private var connections: [UInt64: PeerConnection] = [:]
    private var connectionsPerUID: [UInt32: Int] = [:]
    private var nextIdleSweep = ContinuousClock.now
    private var nextID: UInt64 = 2
    private var listenerPaused = false
    private var stopping = false
    private var stopDeadline: ContinuousClock.Instant?

    // Shared with other threads.
    private let stateLock = NSLock()
    private var stopRequested = false
    private var refused = 0
    private var idleClosed = 0

    init(listener: ListeningSocket, wakeup: Wakeup, outbox: ReplyOutbox, workers: CallWorkers,
         router: CallRouter, limits: Limits) throws(SystemError) {
        self.listener = listener
        self.poller = try EventPoller()
        self.wakeup = wakeup
        self.outbox = outbox
        self.workers = workers
        self.router = router
        self.limits = limits
        self.scratch = .allocate(byteCount: 65536, alignment: 16)
        try poller.add(listener.descriptor, interest: .readable, token: Self.listenerToken)
        try poller.add(wakeup.descriptor, interest: .readable, token: Self.wakeupToken)
    }

    deinit { scratch.deallocate() }

    /// Asks the loop to stop; safe from any thread.
    func requestStop() {
        stateLock.lock()
        stopRequested = true
        stateLock.unlock()
        wakeup.signal()
    }

    /// Connections turned away because a limit (overall or per uid) was reached.
    var refusedConnections: Int {
        stateLock.lock()
        defer { stateLock.unlock() }
        return refused
    }

    /// Connections closed by the idle timeout.
    var idleClosedConnections: Int {
        stateLock.lock()
        defer { stateLock.unlock() }
        return idleClosed
    }

    /// Runs until stopped: then stops accepting, lets in-flight calls finish
    /// (up to the stop timeout), flushes their replies and closes everything.
    func run() {
        while true {
            var timeout: Int32 = -1
            // With an idle timeout, wake at least once a second to sweep.
            if limits.idleTimeout != nil && !connections.isEmpty { timeout = 1000 }
            if let stopDeadline {
                let remaining = ContinuousClock.now.duration(to: stopDeadline)
                timeout = Int32(max(1, min(1000, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)))
            }
            var woken = false
            for event in poller.wait(timeoutMilliseconds: timeout) {
                switch event.token {
                case Self.listenerToken: acceptConnections()
                case Self.wakeupToken: woken = true
                default:
                    if let connection = connections[event.token] { service(connection, event) }
                }
            }
            if woken {
                wakeup.drain()
                deliverReplies()
            }
            closeIdleConnections()
            if shouldExit() { break }
        }
        for connection in Array(connections.values) { closeConnection(connection) }
        listener.close()
        poller.close()
        workers.shutdown()
    }

    private func shouldExit() -> Bool {
        if !stopping {
            stateLock.lock()
            let requested = stopRequested
            stateLock.unlock()
            if requested { beginStopping() }
        }
        guard stopping else { return false }
        if connections.isEmpty { return true }
        if let stopDeadline, ContinuousClock.now >= stopDeadline { return true }
        return false
    }

    private func beginStopping() {
        stopping = true
        stopDeadline = .now + limits.stopTimeout
        poller.remove(listener.descriptor)
        listener.close()
        for connection in Array(connections.values) {
            connection.dropQueued()
            connection.readingStopped = true
            settle(connection)
        }
    }

    private func acceptConnections() {
        for _ in 0..<64 {
            let descriptor = sscard_accept_nonblocking(listener.descriptor)
            if descriptor < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop polling the listener (it would
                    // stay readable and spin) until a connection closes.
                    poller.modify(listener.descriptor, interest: [], token: Self.listenerToken)
                    listenerPaused = true
                    return
                default: return
                }
            }
            guard connections.count < limits.maxConnections, let peer = Self.credentials(of: descriptor),
                  limits.uncappedUIDs.contains(peer.uid) || connectionsPerUID[peer.uid, default: 0] < limits.maxConnectionsPerUID
            else {
                // Counted before the close, so that whoever sees the close
                // (a client reading EOF) also sees the count.
                stateLock.lock()
                refused += 1
                stateLock.unlock()
                Glibc.close(descriptor)
                continue
            }
            let connection = PeerConnection(id: nextID, descriptor: descriptor, peer: peer,
                                            maximumMessageBytes: limits.maxMessageBytes)
            nextID += 1
            do {
                try poller.add(descriptor, interest: .readable, token: connection.id)
            } catch {
                connection.close()
                continue
            }
            connections[connection.id] = connection
            connectionsPerUID[peer.uid, default: 0] += 1
        }
    }

    /// Closes connections idle past the timeout, at most once a second.
    private func closeIdleConnections() {
        guard let timeout = limits.idleTimeout, !stopping else { return }
        let now = ContinuousClock.now
        guard now >= nextIdleSweep else { return }
        nextIdleSweep = now + .seconds(1)
        for connection in Array(connections.values) {
            // A call whose worker wrote the final reply itself completes
            // without waking this thread; notice it here, and count the
            // silence from now (at most a sweep late).
            if let link = connection.inFlight, connection.queuedCount == 0, link.takeCompletion(watch: false) {
                connection.inFlight = nil
                connection.lastActivity = now
            }
            guard connection.hasBeenIdle(for: timeout, now: now) else { continue }
            stateLock.lock()
            idleClosed += 1
            stateLock.unlock()
            closeConnection(connection)
        }
    }

    private static func credentials(of descriptor: Int32) -> PeerCredentials? {
        var pid: pid_t = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
        guard sscard_peer_credentials(descriptor, &pid, &uid, &gid) == 0 else { return nil }
        var groups = [gid_t](repeating: 0, count: 64)
        var count = Int32(groups.count)
        if sscard_peer_groups(descriptor, &groups, &count) != 0 {
            if errno == ERANGE, count > 0 {
                groups = [gid_t](repeating: 0, count: Int(count))
                if sscard_peer_groups(descriptor, &groups, &count) != 0 { count = 0 }
            } else {
                count = 0
            }
        }
        return PeerCredentials(pid: pid, uid: uid, gid: gid, groups: Array(groups.prefix(Int(max(0, count)))))
    }

    private func service(_ connection: PeerConnection, _ event: EventPoller.Event) {
        if event.isHangup {
            return peerHungUp(connection)
        }
        if event.isReadable && !connection.readingStopped && !connection.inputClosed {
            // A bounded number of reads per turn keeps one busy peer from starving the rest.
            connection.lastActivity = .now
            reading: for _ in 0..<4 {
                switch connection.read(into: scratch) {
                case .data: continue
                case .drained, .wouldBlock: break reading
                case .endOfFile: connection.inputClosed = true; break reading
                case .failed: return closeConnection(connection)
                }
            }
            frameInput(connection)
        }
        settle(connection)
    }

    /// Moves complete messages from the framer into the connection's queue.
    private func frameInput(_ connection: PeerConnection) {
        while true {
            switch connection.framer.next() {
            case .message(let frame): connection.enqueue(.call(frame))
            case .incomplete: return
            case .tooLarge:
                connection.enqueue(.oversized)
                connection.readingStopped = true
                return
            }
        }
    }

    /// The peer closed completely: nothing can reach it any more. Calls it
    /// sent before hanging up still run (a oneway call followed by exit is
    /// legitimate), in order on one worker, with their replies discarded.
    private func peerHungUp(_ connection: PeerConnection) {
        if !connection.readingStopped {
            reading: while true {
                switch connection.read(into: scratch) {
                case .data, .drained: continue
                default: break reading
                }
            }
            frameInput(connection)
        }
        var frames: [[UInt8]] = []
        while let item = connection.dequeue() {
            if case .call(let frame) = item { frames.append(frame) }
        }
        closeConnection(connection)
        guard !frames.isEmpty, !stopping else { return }
        let (router, outbox, peer, id, calls) = (self.router, self.outbox, connection.peer, connection.id, frames)
        workers.submit {
            for frame in calls {
                let link = CallLink()
                link.disconnect()
                router.route(frame, peer: peer, connectionID: id, link: link, outbox: outbox)
            }
        }
    }

    private func deliverReplies() {
        var touched: Set<UInt64> = []
        for entry in outbox.takeAll() {
            if !entry.final { entry.link.noteTaken(entry.bytes.count) }
            guard let connection = connections[entry.connectionID], connection.inFlight === entry.link else { continue }
            if !entry.bytes.isEmpty { connection.appendOutput(entry.bytes) }
            if entry.final { connection.inFlight = nil }
            connection.lastActivity = .now
            touched.insert(entry.connectionID)
        }
        for id in touched {
            if let connection = connections[id] { settle(connection) }
        }
    }

    /// Brings a connection up to date after anything changed: starts its next
    /// call, writes what it can, closes it when done or over its output cap,
    /// and adjusts what epoll watches.
    private func settle(_ connection: PeerConnection) {
        var abandonUnflushed = false
        while true {
            if let link = connection.inFlight {
                // A worker may have written the final reply itself. Ask to be
                // woken when it does only if something here waits on it.
                let waiting = connection.queuedCount > 0 || connection.inputClosed || connection.readingStopped || stopping
                guard link.takeCompletion(watch: waiting) else { break }
                connection.inFlight = nil
                connection.lastActivity = .now
            }
            guard !stopping, let item = connection.dequeue() else { break }
            switch item {
            case .call(let frame):
                let link = CallLink(directDescriptor: connection.pendingOutputBytes == 0 ? connection.descriptor : -1)
                connection.inFlight = link
                let (router, outbox, peer, id) = (self.router, self.outbox, connection.peer, connection.id)
                workers.submit { router.route(frame, peer: peer, connectionID: id, link: link, outbox: outbox) }
            case .oversized:
                // The stream cannot be resynchronised: answer, then close
                // without waiting on a peer that may never read.
                connection.appendOutput(Self.oversizedReply)
                connection.dropQueued()
                connection.closeWhenFlushed = true
                abandonUnflushed = true
            }
        }
        if connection.isIdle && (connection.inputClosed || stopping) { connection.closeWhenFlushed = true }
        if connection.pendingOutputBytes > 0, connection.flush() == .failed {
            return closeConnection(connection)
        }
        connection.inFlight?.noteUnwritten(connection.pendingOutputBytes)
        if connection.pendingOutputBytes > limits.maxPendingOutputBytes {
            return closeConnection(connection)
        }
        if connection.closeWhenFlushed && (connection.pendingOutputBytes == 0 || abandonUnflushed) {
            return closeConnection(connection)
        }
        var wanted: EventPoller.Interest = []
        if !connection.readingStopped && !connection.inputClosed && !stopping && connection.queuedCount < limits.maxQueuedCalls {
            wanted.insert(.readable)
        }
        if connection.pendingOutputBytes > 0 { wanted.insert(.writable) }
        if wanted != connection.interest {
            poller.modify(connection.descriptor, interest: wanted, token: connection.id)
            connection.interest = wanted
        }
    }

    private func closeConnection(_ connection: PeerConnection) {
        // Disconnect first: a worker writing a reply directly holds the link
        // until done, and may not start once the link is disconnected.
        connection.inFlight?.disconnect()
        poller.remove(connection.descriptor)
        connection.close()
        if connections.removeValue(forKey: connection.id) != nil {
            router.handler.connectionClosed(connection.id)
            let uid = connection.peer.uid
            connectionsPerUID[uid] = connectionsPerUID[uid, default: 1] > 1 ? connectionsPerUID[uid, default: 1] - 1 : nil
        }
        connection.inFlight = nil
        connection.dropQueued()
        if listenerPaused && !stopping {
            poller.modify(listener.descriptor, interest: .readable, token: Self.listenerToken)
            listenerPaused = false
        }
    }
}
