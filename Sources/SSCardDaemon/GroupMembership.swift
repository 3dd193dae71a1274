import Foundation

/// The groups of a uid as the group database has them now, cached briefly.
///
/// Roles follow group membership (sscard-admin, sscard-operator,
/// sscard-kiosk). The kernel's view of a connection's groups is frozen when
/// the peer process started, so a removed operator would keep the role for
/// as long as a session stays open; the database is the administrator's
/// word. Reading it (getpwuid_r + getgrouplist, possibly through NSS to a
/// directory service) on every call would put a lookup on every call's
/// path, so an answer is reused for `lifetime`.
final class GroupMembership: @unchecked Sendable {
    static let lifetime: Duration = .seconds(10)

    private struct Entry {
        let groups: Set<gid_t>?
        let fetched: ContinuousClock.Instant
    }

    private let cache = ReadMostly<[uid_t: Entry]>([:])
    private let lookup: @Sendable (uid_t) -> Set<gid_t>?

    /// `lookup` answers nil for a uid the user database does not know.
    init(lookup: @escaping @Sendable (uid_t) -> Set<gid_t>? = GroupMembership.databaseGroups) {
        self.lookup = lookup
    }

    /// The uid's primary and supplementary groups, or nil if it has no user entry.
    func groups(uid: uid_t, now: ContinuousClock.Instant = .now) -> Set<gid_t>? {
        if let entry = cache.read({ $0[uid] }), entry.fetched.duration(to: now) < Self.lifetime {
            return entry.groups
        }
        let groups = lookup(uid)
        cache.write { cache in
            if cache.count >= 4096 { cache.removeAll() }
            cache[uid] = Entry(groups: groups, fetched: now)
        }
        return groups
    }

    /// getpwuid_r for the user's name and primary group, then getgrouplist.
    @Sendable static func databaseGroups(uid: uid_t) -> Set<gid_t>? {
        var record = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &record, &buffer, buffer.count, &result) == 0, let entry = result else { return nil }
        let primary = entry.pointee.pw_gid
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(entry.pointee.pw_name, primary, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            if getgrouplist(entry.pointee.pw_name, primary, &groups, &count) < 0 { count = 0 }
        }
        return Set(groups.prefix(Int(max(0, count)))).union([primary])
    }
}
