import SQLiteStore

/// Notices commits to the registry file made by another process, which the
/// status cache cannot see: the daemon is meant to be the file's only writer,
/// but an operator may still point a second tool at it.
///
/// `PRAGMA data_version` on a connection changes exactly when some *other*
/// connection has committed. The writer connection is the only one of this
/// store that writes, so a change seen there is a foreign commit; the cache
/// is then dropped before the writer's own change goes in.
final class ForeignCommits: @unchecked Sendable {
    // Touched only on the group-commit thread.
    private var seen: Int64?

    /// True when another process committed since the last check.
    func check(_ writer: Connection) throws -> Bool {
        let version = try writer.queryOne("PRAGMA data_version") { $0.int64(0) } ?? nil
        defer { seen = version }
        return seen != nil && version != seen
    }
}
