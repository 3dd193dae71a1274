/// Who performs an operation, through which channel, at which service point.
public struct Actor: Hashable, Codable, Sendable {
    public enum Role: String, CaseIterable, Codable, Sendable {
        case admin, `operator`, kiosk, system
        /// A 12333 / app / website integration (the remote channel).
        case remote
        /// A caller with no sscard role; appears only on refused attempts.
        case none
    }

    public enum Channel: String, CaseIterable, Codable, Sendable {
        /// Staff at a service counter (窗口办).
        case counter
        /// A self-service kiosk (自助办).
        case kiosk
        /// Phone 12333 or a mobile app, relayed by an integration.
        case remote
        /// The daemon itself (auto-release).
        case system
    }

    /// A stable name for the person or program: a login name, a uid, a kiosk id.
    public var id: String
    public var role: Role
    public var channel: Channel
    public var servicePoint: String

    public init(id: String, role: Role, channel: Channel, servicePoint: String) {
        self.id = id
        self.role = role
        self.channel = channel
        self.servicePoint = servicePoint
    }

    /// The daemon acting on its own, e.g. releasing an expired temporary loss.
    public static func system(servicePoint: String) -> Actor {
        Actor(id: "system", role: .system, channel: .system, servicePoint: servicePoint)
    }
}
