/// Who is on the other end of a connection, as the kernel saw it when the
/// peer called connect() (SO_PEERCRED / SO_PEERGROUPS).
///
/// Read once at accept and attached to every call, so authorization never
/// trusts anything the peer says about itself.
public struct PeerCredentials: Sendable, Hashable {
    public let pid: Int32
    public let uid: UInt32
    public let gid: UInt32
    /// Supplementary groups of the peer process at connect time; empty when
    /// the kernel cannot report them. Lets policy grant roles by group
    /// membership without a racy look-up through /proc.
    public let groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// True when `gid` is the peer's primary group or one of its supplementary groups.
    public func isMember(of gid: UInt32) -> Bool {
        self.gid == gid || groups.contains(gid)
    }
}
