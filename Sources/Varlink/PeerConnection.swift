#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection, touched only by the I/O thread. Owns the socket
/// descriptor and the connection's buffers: received bytes not yet framed,
/// framed calls waiting their turn, and reply bytes the peer has not read.
final class PeerConnection {
    enum Queued {
        case call([UInt8])
        /// The peer sent a message over the size limit; answered in turn,
        /// after which the connection closes.
        case oversized
    }

    enum ReadOutcome {
        /// The read filled the buffer: there may be more.
        case data
        /// A short read: the socket's buffer is very likely empty now, so the
        /// loop skips the read that would only say EAGAIN (epoll, being
        /// level-triggered, reports the socket again if more arrived).
        case drained
        case wouldBlock, endOfFile, failed
    }
    enum FlushOutcome { case flushed, wouldBlock, failed }

    let id: UInt64
    let descriptor: Int32
    let peer: PeerCredentials
    var framer: MessageFramer
    /// The call a worker is handling; calls on one connection run one at a
    /// time so replies leave in call order.
    var inFlight: CallLink?
    /// The peer shut down its sending side; answer what is queued, then close.
    var inputClosed = false
    /// Stop reading: the stream broke (oversized message) or the server is stopping.
    var readingStopped = false
    var closeWhenFlushed = false
    /// What epoll currently watches for, to skip redundant epoll_ctl calls.
    var interest: EventPoller.Interest = .readable
    /// When the peer last sent bytes or was last sent a reply: the idle timeout's clock.
    var lastActivity = ContinuousClock.now

    private var queue: [Queued] = []
    private var queueHead = 0
    private var output: [UInt8] = []
    private var outputHead = 0
    private var closed = false

    init(id: UInt64, descriptor: Int32, peer: PeerCredentials, maximumMessageBytes: Int) {
        self.id = id
        self.descriptor = descriptor
        self.peer = peer
        self.framer = MessageFramer(maximumMessageBytes: maximumMessageBytes)
    }

    var queuedCount: Int { queue.count - queueHead }
    var pendingOutputBytes: Int { output.count - outputHead }
    var isIdle: Bool { inFlight == nil && queuedCount == 0 }

    /// Idle, with nothing unread and nothing received for `timeout`.
    func hasBeenIdle(for timeout: Duration, now: ContinuousClock.Instant) -> Bool {
        isIdle && pendingOutputBytes == 0 && lastActivity.duration(to: now) >= timeout
    }

    func enqueue(_ item: Queued) { queue.append(item) }

    func dequeue() -> Queued? {
        guard queueHead < queue.count else { return nil }
        let item = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        return item
    }

    func dropQueued() {
        queue.removeAll()
        queueHead = 0
    }

    /// Reads once into `scratch` and feeds the framer.
    func read(into scratch: UnsafeMutableRawBufferPointer) -> ReadOutcome {
        while true {
            let count = recv(descriptor, scratch.baseAddress, scratch.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                framer.append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                return count == scratch.count ? .data : .drained
            }
            if count == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed
            }
        }
    }

    func appendOutput(_ bytes: [UInt8]) {
        if outputHead == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 65536)
            outputHead = 0
        }
        output.append(contentsOf: bytes)
    }

    /// Writes as much pending output as the socket takes without blocking.
    func flush() -> FlushOutcome {
        while outputHead < output.count {
            let written = output.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + outputHead, raw.count - outputHead, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if written > 0 {
                outputHead += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: compactOutput(); return .wouldBlock
            default: return .failed
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 65536)
        outputHead = 0
        return .flushed
    }

    private func compactOutput() {
        if outputHead > 65536 && outputHead * 2 > output.count {
            output.removeSubrange(0..<outputHead)
            outputHead = 0
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    deinit { close() }
}
