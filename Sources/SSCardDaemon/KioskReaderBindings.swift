import Foundation

/// Which readers each kiosk may see and use, from `kiosk-readers.NAME` in
/// sscardd.conf, resolved to uids and gids when the configuration is read
/// (and again on SIGHUP, with the role groups).
///
/// A kiosk peer matched by its uid gets that entry's readers; otherwise the
/// union of the entries of its groups; otherwise none. Only when no kiosk is
/// bound at all do kiosks keep every reader, as before the key existed
/// (sscardd warns at start).
public struct KioskReaderBindings: Sendable {
    let byUid: [uid_t: Set<String>]
    let byGid: [gid_t: Set<String>]
    /// Entries whose user or group does not exist: named in the start-up warning.
    public let unresolved: [String]

    public var isEmpty: Bool { byUid.isEmpty && byGid.isEmpty && unresolved.isEmpty }

    public init(configuration: Configuration) {
        var byUid: [uid_t: Set<String>] = [:]
        var byGid: [gid_t: Set<String>] = [:]
        var unresolved: [String] = []
        for (kiosk, readers) in configuration.kioskReaders.sorted(by: { $0.key < $1.key }) {
            if kiosk.hasPrefix("@") {
                guard let gid = RoleResolver.groupID(named: String(kiosk.dropFirst())) else {
                    unresolved.append(kiosk)
                    continue
                }
                byGid[gid, default: []].formUnion(readers)
            } else {
                guard let uid = Self.userID(named: kiosk) else {
                    unresolved.append(kiosk)
                    continue
                }
                byUid[uid, default: []].formUnion(readers)
            }
        }
        self.byUid = byUid
        self.byGid = byGid
        self.unresolved = unresolved
    }

    /// The readers of the kiosk peer with these credentials.
    public func scope(uid: uid_t, groups: Set<gid_t>) -> ReaderScope {
        if isEmpty { return .all }
        if let readers = byUid[uid] { return .only(readers) }
        return .only(groups.reduce(into: Set<String>()) { $0.formUnion(byGid[$1] ?? []) })
    }

    /// A user by name, or by number.
    static func userID(named name: String) -> uid_t? {
        if let number = uid_t(name) { return number }
        var record = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &record, &buffer, buffer.count, &result) == 0, let entry = result else { return nil }
        return entry.pointee.pw_uid
    }
}
