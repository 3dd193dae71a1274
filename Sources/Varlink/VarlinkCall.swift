/// One method call as received from a peer, already validated: `method` has
/// an interface part that the server registered, `parameters` is an object.
public struct VarlinkCall: Sendable {
    /// Fully qualified, e.g. `org.sscard.Registry.GetStatus`.
    public let method: String
    /// Always a JSON object (an absent `parameters` member becomes `{}`).
    public let parameters: JSONValue
    /// The peer asked for a stream of replies.
    public let more: Bool
    /// The peer wants no reply; whatever the handler sends is discarded.
    public let oneway: Bool
    public let peer: PeerCredentials
    /// Unique for the server's lifetime; lets handlers key per-connection state.
    public let connectionID: UInt64

    /// The interface part of `method` (everything before the last dot).
    public let interface: String
    /// The method part of `method` (everything after the last dot).
    public let methodName: String

    public init(method: String, parameters: JSONValue, more: Bool, oneway: Bool, peer: PeerCredentials, connectionID: UInt64) {
        // Split once here: handlers look at both parts several times per call.
        if let dot = method.lastIndex(of: ".") {
            interface = String(method[..<dot])
            methodName = String(method[method.index(after: dot)...])
        } else {
            interface = ""
            methodName = method
        }
        self.method = method
        self.parameters = parameters
        self.more = more
        self.oneway = oneway
        self.peer = peer
        self.connectionID = connectionID
    }
}
