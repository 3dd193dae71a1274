#if canImport(Glibc)
import Glibc
#endif

/// A `sockaddr_un` for a filesystem path, or for an abstract name when the
/// path starts with `@` (as systemd writes them in NOTIFY_SOCKET).
struct UnixSocketAddress {
    private var storage = sockaddr_un()
    private let length: socklen_t

    /// Nil when the path does not fit in `sun_path` (108 bytes on Linux).
    init?(path: String) {
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        let abstract = bytes.first == UInt8(ascii: "@")
        // Filesystem paths need room for their NUL terminator; abstract names don't.
        guard !bytes.isEmpty, bytes.count <= (abstract ? capacity : capacity - 1), !bytes.contains(0) else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if abstract { raw[0] = 0 }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        length = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
