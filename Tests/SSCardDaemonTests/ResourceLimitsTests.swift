import Foundation
import SSCardDaemon
import SSCardInterfaces
import SSCardRig
import Testing

/// The limits one peer meets so that it cannot degrade everyone: the
/// descriptor budget checked at start, and the idle timeout, against sscardd
/// as a process.
@Suite("sscardd: resource limits", .serialized)
struct ResourceLimitsTests {
    @Test("a max-connections the descriptor limit cannot hold stops the start, naming both numbers")
    func descriptorBudgetIsCheckedAtStart() throws {
        let rig = try DaemonRig(extra: "max-connections = 1024", start: false)
        let result = try runToEnd("/usr/bin/prlimit", ["--nofile=512:512", DaemonProcessTests.sscardd, "--config", rig.configPath])
        #expect(result.code != 0)
        #expect(result.output.contains("max-connections = 1024 needs 1088 file descriptors, but the limit is 512"),
                "\(result.output)")
        // The same limit holds 400 connections and 64 more.
        #expect(throws: Never.self) {
            try DescriptorBudget.check(maxConnections: 448, limit: 512, configurationPath: rig.configPath)
        }
        #expect(throws: ConfigurationError.self) {
            try DescriptorBudget.check(maxConnections: 449, limit: 512, configurationPath: rig.configPath)
        }
    }

    @Test("a connection silent past idle-timeout is closed; one with a stream open is not")
    func idleConnectionsAreClosed() throws {
        let rig = try DaemonRig(extra: "idle-timeout = 1")
        defer { rig.stop() }
        let monitor = try RawPeer(path: rig.socketPath)
        // A stream: a call in flight until the peer hangs up (an error reply
        // would end it, and the connection would then be idle like the other).
        try monitor.send(#"{"method":"\#(ReaderMethod.monitor.name)","parameters":{},"more":true}"#)
        let idle = try RawPeer(path: rig.socketPath)
        try idle.send(#"{"method":"org.varlink.service.GetInfo"}"#)
        #expect(try idle.nextMessage()?.contains("sscardd") == true)
        // Blocks until sscardd closes the idle connection (bounded by the socket's timeout).
        #expect(try idle.nextMessage() == nil, "closed by sscardd after a second of silence")
        // The stream, silent for longer, was not closed in that sweep or before it
        // (a close reaches a Unix socket's peer at once).
        #expect(monitor.isStillOpen())
    }
}

/// A blocking client socket that reads whole NUL-terminated messages, with a
/// receive timeout as a bound (never as pacing).
final class RawPeer {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String, timeoutSeconds: Int = 20) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ message: String) throws {
        let bytes = Array(message.utf8) + [0]
        guard Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// True unless the peer has closed: a non-blocking peek sees EOF at once.
    func isStillOpen() -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK))
        return count > 0 || (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    }

    /// The next message, or nil once the peer closed; throws on the timeout.
    func nextMessage() throws -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(...end)
                return message
            }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count == 0 { return nil }
            if count < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            buffer += chunk[..<count]
        }
    }
}
