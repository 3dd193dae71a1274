import Foundation
import Glibc

/// A client connection that sends whatever bytes it is given, for the abuse
/// runs: oversized, partial, random. It reads replies frame by frame (NUL
/// separated) and tells an answer from a close.
final class RawSocket {
    private(set) var descriptor: Int32
    private var buffer: [UInt8] = []
    private(set) var peerClosed = false

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ProbeError.unexpected("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8.prefix(raw.count - 1)) + [0])
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw ProbeError.unexpected("connect(\(path)): errno \(code)")
        }
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Sends all of `bytes`; false if the daemon closed the connection first
    /// (which is how it answers some abuse).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// The next reply frame, or nil when the daemon closed the connection or
    /// nothing came within `timeout`.
    func nextFrame(timeout: Duration = .seconds(20)) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let frame = Array(buffer[..<end])
                buffer.removeFirst(end + 1)
                return frame
            }
            if peerClosed { return nil }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(remaining / .milliseconds(1)) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                peerClosed = true
            }
        }
    }

    /// The next frame as text (replies are JSON).
    func nextReply(timeout: Duration = .seconds(20)) -> String? {
        nextFrame(timeout: timeout).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the daemon closes the connection (end of file) within
    /// `timeout`, reading and dropping anything before it.
    func closedByPeer(timeout: Duration = .seconds(20)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !peerClosed && ContinuousClock.now < deadline {
            _ = nextFrame(timeout: ContinuousClock.now.duration(to: deadline))
        }
        return peerClosed
    }
}
