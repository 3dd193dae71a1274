/// Why the server could not start listening.
public enum VarlinkServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another process answers on the socket path: a second daemon must not
    /// steal the socket from a running one.
    case alreadyRunning(path: String)
    /// Something other than a socket sits at the path; it is left alone.
    case notASocket(path: String)
    /// The path does not fit in a Unix socket address.
    case pathTooLong(path: String)
    /// An inherited descriptor that is not a listening Unix stream socket.
    case invalidInheritedSocket(descriptor: Int32)
    case system(SystemError)

    public var description: String {
        switch self {
        case .alreadyRunning(let path): return "another process is already serving \(path)"
        case .notASocket(let path): return "\(path) exists and is not a socket; refusing to replace it"
        case .pathTooLong(let path): return "socket path too long: \(path)"
        case .invalidInheritedSocket(let descriptor): return "inherited descriptor \(descriptor) is not a listening Unix stream socket"
        case .system(let error): return error.description
        }
    }
}
