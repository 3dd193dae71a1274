import Foundation
import Registry
import Synchronization

/// What a connected client may do, from its Unix credentials. Not an order:
/// AccessPolicy names the roles allowed per method (a remote integration may
/// do what a kiosk may not, and the reverse).
public enum Role: String, CaseIterable, Sendable {
    case kiosk, remote, `operator`, admin

    /// The channel the audit trail records for this role's calls.
    public var channel: Actor.Channel {
        switch self {
        case .kiosk: return .kiosk
        case .remote: return .remote
        case .operator, .admin: return .counter
        }
    }
}

/// Maps a peer's uid and gid to a role through group membership, with the
/// group names from the configuration. root is admin. A peer in several role
/// groups gets the first of admin, operator, kiosk, remote; no group means
/// no access.
public struct RoleResolver: Sendable {
    let adminGid: gid_t?
    let operatorGid: gid_t?
    let kioskGid: gid_t?
    let remoteGid: gid_t?
    /// The readers each kiosk may use.
    public let kioskReaders: KioskReaderBindings
    /// User names already looked up. Every call names its actor, and
    /// getpwuid_r reads /etc/passwd (or asks systemd-userdb) each time; a
    /// resolver lives until SIGHUP replaces it, which also renews the names.
    private let names = UserNames()
    /// Group membership per uid, re-read from the group database every few seconds.
    private let membership: GroupMembership

    public init(configuration: Configuration) {
        adminGid = Self.groupID(named: configuration.adminGroup)
        operatorGid = Self.groupID(named: configuration.operatorGroup)
        kioskGid = Self.groupID(named: configuration.kioskGroup)
        remoteGid = Self.groupID(named: configuration.remoteGroup)
        kioskReaders = KioskReaderBindings(configuration: configuration)
        membership = GroupMembership()
    }

    init(adminGid: gid_t?, operatorGid: gid_t?, kioskGid: gid_t?, remoteGid: gid_t? = nil,
         membership: GroupMembership = GroupMembership(),
         kioskReaders: KioskReaderBindings = KioskReaderBindings(configuration: Configuration(environment: [:]))) {
        self.adminGid = adminGid
        self.operatorGid = operatorGid
        self.kioskGid = kioskGid
        self.remoteGid = remoteGid
        self.membership = membership
        self.kioskReaders = kioskReaders
    }

    /// The readers of a kiosk peer, by its uid or the same groups its role comes from.
    public func kioskScope(uid: uid_t, gid: gid_t, peerGroups: [gid_t] = []) -> ReaderScope {
        kioskReaders.scope(uid: uid, groups: membership.groups(uid: uid) ?? Set(peerGroups + [gid]))
    }

    /// The role for a peer, or nil if it has none.
    ///
    /// Membership comes from the group database for the peer's uid, read
    /// afresh at most every `GroupMembership.lifetime` (10 s), so that
    /// `gpasswd -d alice sscard-operator` takes effect within seconds, even on
    /// a connection opened before it. Only a uid the user database does not
    /// know (a container's, a test's) falls back to `peerGroups`, what the
    /// kernel reported for the connection (SO_PEERGROUPS) with its gid.
    public func role(uid: uid_t, gid: gid_t, peerGroups: [gid_t] = []) -> Role? {
        if uid == 0 { return .admin }
        let groups = membership.groups(uid: uid) ?? Set(peerGroups + [gid])
        if let adminGid, groups.contains(adminGid) { return .admin }
        if let operatorGid, groups.contains(operatorGid) { return .operator }
        if let kioskGid, groups.contains(kioskGid) { return .kiosk }
        if let remoteGid, groups.contains(remoteGid) { return .remote }
        return nil
    }

    /// The user's name, for the audit trail, remembered per uid.
    public func userName(uid: uid_t) -> String {
        names.name(uid: uid)
    }

    /// The user's name, for the audit trail; the uid in decimal if it has none.
    public static func userName(uid: uid_t) -> String {
        var record = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &record, &buffer, buffer.count, &result) == 0, let entry = result else {
            return "uid:\(uid)"
        }
        return String(cString: entry.pointee.pw_name)
    }

    /// A group by name, or by number (for containers and hosts whose groups
    /// come from elsewhere).
    static func groupID(named name: String) -> gid_t? {
        if let number = gid_t(name) { return number }
        var record = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrnam_r(name, &record, &buffer, buffer.count, &result) == 0, let entry = result else { return nil }
        return entry.pointee.gr_gid
    }
}

/// uid → user name, shared by the worker threads.
final class UserNames: Sendable {
    private let known = ReadMostly<[uid_t: String]>([:])

    func name(uid: uid_t) -> String {
        if let name = known.read({ $0[uid] }) { return name }
        let name = RoleResolver.userName(uid: uid)
        known.write { known in
            if known.count >= 4096 { known.removeAll() }
            known[uid] = name
        }
        return name
    }
}
