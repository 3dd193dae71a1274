#if canImport(Glibc)
import Glibc
#endif

/// The page server's listening socket: TCP on 127.0.0.1 only, so nothing
/// off the machine can reach the kiosk's inputs.
enum PageListener {
    static func open(port: UInt16) throws(PageServerError) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                                    | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .socket(errno) }
        var yes: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(descriptor)
            throw .bind(port, error)
        }
        guard listen(descriptor, 16) == 0 else {
            let error = errno
            close(descriptor)
            throw .socket(error)
        }
        return descriptor
    }

    /// Non-blocking and closed on exec.
    static func configure(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// Writes everything, waiting up to `seconds` for a slow reader; false if it failed.
    @discardableResult
    static func send(_ descriptor: Int32, _ bytes: [UInt8], seconds: Double = 2) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if written > 0 {
                offset += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EINTR else { return false }
            var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            if poll(&entry, 1, Int32(seconds * 1000)) <= 0 { return false }
        }
        return true
    }
}

public enum PageServerError: Error, Equatable, CustomStringConvertible {
    case socket(Int32)
    case bind(UInt16, Int32)

    public var description: String {
        switch self {
        case .socket(let code): return "page socket: \(String(cString: strerror(code)))"
        case let .bind(port, code): return "cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(code)))"
        }
    }
}
