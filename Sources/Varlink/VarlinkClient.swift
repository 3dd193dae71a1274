#if canImport(Glibc)
import Glibc
#endif

/// A blocking varlink client for one connection: what sscardctl, the kiosk
/// and the tests use. Not thread-safe; use one per thread.
///
/// Error replies are thrown as `VarlinkError`; transport failures as
/// `VarlinkTransportError`, after which the client is closed (the state of
/// the connection is unknown, so reuse would risk pairing a later call with
/// an earlier reply).
public final class VarlinkClient {
    public let path: String
    /// Limit for each call (sending it and receiving each reply); nil waits forever.
    public var timeout: Duration?
    private var descriptor: Int32
    private var framer: MessageFramer
    private var scratch = [UInt8](repeating: 0, count: 65536)

    public init(path: String, timeout: Duration? = .seconds(30), maxReplyBytes: Int = 16 << 20) throws(VarlinkTransportError) {
        self.path = path
        self.timeout = timeout
        self.framer = MessageFramer(maximumMessageBytes: maxReplyBytes)
        guard let address = UnixSocketAddress(path: path) else { throw .pathTooLong(path) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system(.current("socket")) }
        guard address.withSockaddr({ connect(descriptor, $0, $1) }) == 0 else {
            let error = SystemError.current("connect(\(path))")
            Glibc.close(descriptor)
            throw .connectFailed(error)
        }
        self.descriptor = descriptor
    }

    deinit { close() }

    public var isConnected: Bool { descriptor >= 0 }

    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// Calls `method` and returns the reply parameters.
    public func call(_ method: String, _ parameters: JSONValue = [:]) throws -> JSONValue {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        try send(["method": .string(method), "parameters": parameters], deadline: deadline)
        let (reply, continues) = try receiveReply(deadline: deadline)
        if continues {
            close()
            throw VarlinkTransportError.malformedReply("\"continues\" on a call without \"more\"")
        }
        return reply
    }

    /// Calls `method` with `more` and hands each reply to `body` until the
    /// final one. Returning false from `body` abandons the stream, which
    /// closes the connection (the service learns through the disconnect).
    public func stream(_ method: String, _ parameters: JSONValue = [:], _ body: (JSONValue) throws -> Bool) throws {
        try send(["method": .string(method), "parameters": parameters, "more": true],
                 deadline: timeout.map { ContinuousClock.now + $0 })
        while true {
            let (reply, continues) = try receiveReply(deadline: timeout.map { ContinuousClock.now + $0 })
            let keepGoing: Bool
            do {
                keepGoing = try body(reply)
            } catch {
                close()
                throw error
            }
            if !continues { return }
            if !keepGoing {
                close()
                return
            }
        }
    }

    /// Sends a call that asks for no reply.
    public func oneway(_ method: String, _ parameters: JSONValue = [:]) throws {
        try send(["method": .string(method), "parameters": parameters, "oneway": true],
                 deadline: timeout.map { ContinuousClock.now + $0 })
    }

    private func send(_ message: JSONValue, deadline: ContinuousClock.Instant?) throws(VarlinkTransportError) {
        guard descriptor >= 0 else { throw .notConnected }
        var bytes = message.serialized()
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            try waitFor(Int16(POLLOUT), deadline: deadline)
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if written >= 0 {
                offset += written
            } else if errno != EAGAIN && errno != EINTR {
                let error = SystemError.current("send")
                close()
                throw errno == EPIPE || errno == ECONNRESET ? .connectionClosed : .system(error)
            }
        }
    }

    /// The next reply's parameters and `continues` flag; error replies throw.
    private func receiveReply(deadline: ContinuousClock.Instant?) throws -> (JSONValue, Bool) {
        let frame = try receiveFrame(deadline: deadline)
        let message: JSONValue
        do {
            message = try JSONValue(parsing: frame)
        } catch {
            close()
            throw VarlinkTransportError.malformedReply(error.description)
        }
        guard case .object(let members) = message else {
            close()
            throw VarlinkTransportError.malformedReply("not an object")
        }
        let parameters = members["parameters"].flatMap { $0.object == nil ? nil : $0 } ?? .object([:])
        if let name = members["error"]?.string {
            throw VarlinkError(name, parameters)
        }
        return (parameters, members["continues"]?.bool ?? false)
    }

    private func receiveFrame(deadline: ContinuousClock.Instant?) throws(VarlinkTransportError) -> [UInt8] {
        guard descriptor >= 0 else { throw .notConnected }
        while true {
            switch framer.next() {
            case .message(let frame): return frame
            case .tooLarge: close(); throw .replyTooLarge
            case .incomplete: break
            }
            try waitFor(Int16(POLLIN), deadline: deadline)
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                scratch.withUnsafeBytes { framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            } else if count == 0 {
                close()
                throw .connectionClosed
            } else if errno != EAGAIN && errno != EINTR {
                let error = SystemError.current("recv")
                close()
                throw errno == ECONNRESET ? .connectionClosed : .system(error)
            }
        }
    }

    private func waitFor(_ events: Int16, deadline: ContinuousClock.Instant?) throws(VarlinkTransportError) {
        while true {
            var timeoutMilliseconds: Int32 = -1
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else { close(); throw .timedOut }
                let (seconds, attoseconds) = remaining.components
                timeoutMilliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, timeoutMilliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                let error = SystemError.current("poll")
                close()
                throw .system(error)
            }
        }
    }
}
