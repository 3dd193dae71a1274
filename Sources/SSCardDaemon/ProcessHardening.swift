import CSystemShims
import Foundation

/// What sscardd does to its own process before it reads a key or a PIN:
/// PINs, the issuer's keys and the database password pass through its memory,
/// and neither a core file nor another process of the `sscard` uid (ptrace,
/// /proc/PID/mem) may read them there.
public enum ProcessHardening {
    /// Core dumps off (RLIMIT_CORE 0; the unit also sets LimitCORE=0, since
    /// its seccomp filter refuses setrlimit) and the process not dumpable.
    /// Returns what could not be done, for the start log; an empty list when
    /// both took effect.
    public static func forbidCoreDumps() -> [String] {
        var failures: [String] = []
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        var current = rlimit()
        if getrlimit(Int32(RLIMIT_CORE.rawValue), &current) == 0, current.rlim_cur != 0 || current.rlim_max != 0,
           setrlimit(Int32(RLIMIT_CORE.rawValue), &none) != 0 {
            failures.append("setrlimit(RLIMIT_CORE, 0): \(String(cString: strerror(errno)))")
        }
        if sscard_forbid_dumps() != 0 {
            failures.append("prctl(PR_SET_DUMPABLE, 0): \(String(cString: strerror(errno)))")
        }
        return failures
    }
}
