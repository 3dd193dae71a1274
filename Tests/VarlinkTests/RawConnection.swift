import Foundation
@testable import Varlink

/// A test-side socket that sends arbitrary bytes and reads replies one by
/// one, to drive the server in ways `VarlinkClient` never would.
final class RawConnection {
    private(set) var descriptor: Int32
    private var framer = MessageFramer(maximumMessageBytes: 64 << 20)
    private var scratch = [UInt8](repeating: 0, count: 65536)

    init(path: String) throws {
        guard let address = UnixSocketAddress(path: path) else { throw VarlinkTransportError.pathTooLong(path) }
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemError.current("socket") }
        guard address.withSockaddr({ connect(descriptor, $0, $1) }) == 0 else {
            let error = SystemError.current("connect")
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Writes all bytes (blocking).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError.current("send")
            }
            offset += written
        }
    }

    /// Sends `text` followed by the NUL terminator.
    func send(message text: String) throws {
        try send(Array(text.utf8) + [0])
    }

    /// The next message, or nil when the server closed the connection.
    func receiveFrame(timeout: TimeInterval = 30) throws -> [UInt8]? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            switch framer.next() {
            case .message(let frame): return frame
            case .tooLarge: throw VarlinkTransportError.replyTooLarge
            case .incomplete: break
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw VarlinkTransportError.timedOut }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(remaining * 1000) + 1)
            if ready < 0 && errno != EINTR { throw SystemError.current("poll") }
            if ready <= 0 { continue }
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 { return nil }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                if errno == ECONNRESET { return nil }
                throw SystemError.current("recv")
            }
            scratch.withUnsafeBytes { framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// The next message parsed, or nil at end of stream.
    func receive(timeout: TimeInterval = 30) throws -> JSONValue? {
        guard let frame = try receiveFrame(timeout: timeout) else { return nil }
        return try JSONValue(parsing: frame)
    }

    /// Reads and discards until the server closes; returns the number of messages seen.
    func drainUntilClosed(timeout: TimeInterval = 60) throws -> Int {
        var count = 0
        while try receiveFrame(timeout: timeout) != nil { count += 1 }
        return count
    }
}
