import Foundation

/// Whether `max-connections` fits in the process's descriptor limit.
///
/// Each connection holds one descriptor; the rest of sscardd holds a few
/// dozen (the registry file and its WAL, PostgreSQL sessions, pcscd's socket
/// and card handles, epoll, eventfds, the journal). A limit too small for the
/// configured connections would turn into EMFILE under load, refusing the
/// very operator who came to look, so sscardd refuses to start instead. It
/// does not raise its own limit: the unit's seccomp filter forbids
/// setrlimit, and `LimitNOFILE=` in sscardd.service is the place to set it.
public enum DescriptorBudget {
    /// Descriptors kept for everything but connections.
    public static let reserved = 64

    /// The descriptors `maxConnections` needs.
    public static func needed(maxConnections: Int) -> Int { maxConnections + reserved }

    /// The soft RLIMIT_NOFILE of this process.
    public static func currentLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }

    /// Throws, naming the key and both numbers, when the limit cannot hold
    /// `maxConnections` connections.
    public static func check(maxConnections: Int, limit: Int = currentLimit(), configurationPath: String) throws {
        let needed = needed(maxConnections: maxConnections)
        guard limit >= needed else {
            throw ConfigurationError(path: configurationPath, line: nil, message: """
                max-connections = \(maxConnections) needs \(needed) file descriptors, but the limit is \(limit) \
                (raise LimitNOFILE= in sscardd.service, or lower max-connections)
                """)
        }
    }
}
