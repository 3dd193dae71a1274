/// A client-side failure below the level of varlink replies: the call's
/// outcome is unknown, and the client has closed its connection.
public enum VarlinkTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    case pathTooLong(String)
    case connectFailed(SystemError)
    case system(SystemError)
    case timedOut
    /// The service closed the connection before the (final) reply.
    case connectionClosed
    case replyTooLarge
    /// A reply that is not JSON, or not shaped like a varlink reply.
    case malformedReply(String)
    /// The client was closed earlier (by `close()`, a timeout or an abandoned stream).
    case notConnected

    public var description: String {
        switch self {
        case .pathTooLong(let path): return "socket path too long: \(path)"
        case .connectFailed(let error): return "cannot connect: \(error)"
        case .system(let error): return error.description
        case .timedOut: return "timed out waiting for the service"
        case .connectionClosed: return "the service closed the connection"
        case .replyTooLarge: return "reply exceeds the size limit"
        case .malformedReply(let why): return "malformed reply: \(why)"
        case .notConnected: return "not connected"
        }
    }
}
