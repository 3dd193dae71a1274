#if canImport(Glibc)
import Glibc
#endif

/// The server's listening Unix stream socket, either bound here or inherited
/// through socket activation. Owns the descriptor; when it bound the path it
/// also removes the socket file on close, but only if the file is still the
/// one it created (a successor daemon may already have replaced it).
final class ListeningSocket {
    let descriptor: Int32
    /// The path this object bound; nil for an inherited socket.
    let boundPath: String?
    private let boundIdentity: (device: UInt64, inode: UInt64)?
    private var closed = false

    private init(descriptor: Int32, boundPath: String?, boundIdentity: (device: UInt64, inode: UInt64)?) {
        self.descriptor = descriptor
        self.boundPath = boundPath
        self.boundIdentity = boundIdentity
    }

    /// Binds `path` with the given file mode and (optionally) group, after
    /// removing a stale socket left by a crashed predecessor. The mode and
    /// group are applied before listen(), so no client can connect while the
    /// file still has the process umask's permissions.
    static func bind(path: String, mode: UInt32, group: UInt32?) throws(VarlinkServerError) -> ListeningSocket {
        guard let address = UnixSocketAddress(path: path) else { throw .pathTooLong(path: path) }
        try removeStaleSocket(at: path, address: address)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .system(.current("socket")) }
        func fail(_ operation: String) -> VarlinkServerError {
            let error = SystemError.current(operation)
            Glibc.close(descriptor)
            return error.errno == EADDRINUSE ? .alreadyRunning(path: path) : .system(error)
        }
        let bound = address.withSockaddr { Glibc.bind(descriptor, $0, $1) }
        guard bound == 0 else { throw fail("bind(\(path))") }
        let abstract = path.hasPrefix("@")
        if !abstract {
            if let group, chown(path, uid_t.max, group) != 0 { unlink(path); throw fail("chown(\(path))") }
            guard chmod(path, mode_t(mode)) == 0 else { unlink(path); throw fail("chmod(\(path))") }
        }
        guard listen(descriptor, SOMAXCONN) == 0 else {
            if !abstract { unlink(path) }
            throw fail("listen(\(path))")
        }
        var identity: (device: UInt64, inode: UInt64)?
        var status = stat()
        if !abstract, lstat(path, &status) == 0 { identity = (UInt64(status.st_dev), UInt64(status.st_ino)) }
        return ListeningSocket(descriptor: descriptor, boundPath: abstract ? nil : path, boundIdentity: identity)
    }

    /// Takes over an inherited descriptor after checking it really is a
    /// listening Unix stream socket, and makes it non-blocking.
    static func adopt(descriptor: Int32) throws(VarlinkServerError) -> ListeningSocket {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        guard option(SO_ACCEPTCONN) == 1, option(SO_TYPE) == Int32(SOCK_STREAM.rawValue),
              option(SO_DOMAIN) == AF_UNIX
        else { throw .invalidInheritedSocket(descriptor: descriptor) }
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .system(.current("fcntl")) }
        return ListeningSocket(descriptor: descriptor, boundPath: nil, boundIdentity: nil)
    }

    /// The address the socket is bound to, as a path (`@name` for an
    /// abstract one), from `getsockname`: for an inherited socket this is
    /// the only way to know where clients reach the daemon. Nil when the
    /// kernel reports no Unix path (an unbound or unnamed socket).
    var localAddress: String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        guard result == 0, Int(length) > pathOffset else { return nil }
        let bytes = withUnsafeBytes(of: &address.sun_path) { Array($0.prefix(Int(length) - pathOffset)) }
        if bytes.first == 0 { return "@" + String(decoding: bytes.dropFirst(), as: UTF8.self) }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A socket file nobody answers on is a leftover and is removed; one that
    /// answers (or has a full backlog) belongs to a live daemon.
    private static func removeStaleSocket(at path: String, address: UnixSocketAddress) throws(VarlinkServerError) {
        guard !path.hasPrefix("@") else { return }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw .system(.current("lstat(\(path))"))
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path: path) }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard probe >= 0 else { throw .system(.current("socket")) }
        defer { Glibc.close(probe) }
        if address.withSockaddr({ connect(probe, $0, $1) }) == 0 { throw .alreadyRunning(path: path) }
        switch errno {
        case ECONNREFUSED:
            guard unlink(path) == 0 || errno == ENOENT else { throw .system(.current("unlink(\(path))")) }
        case EAGAIN, EINPROGRESS:
            throw .alreadyRunning(path: path)
        default:
            throw .system(.current("connect(\(path))"))
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
        if let boundPath, let boundIdentity {
            var status = stat()
            if lstat(boundPath, &status) == 0, UInt64(status.st_dev) == boundIdentity.device,
               UInt64(status.st_ino) == boundIdentity.inode {
                unlink(boundPath)
            }
        }
    }

    deinit { close() }
}
