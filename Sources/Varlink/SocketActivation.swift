import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation (sd_listen_fds(3)): a unit's `.socket` opens
/// the listening socket and passes it as descriptor 3 onwards, announced by
/// LISTEN_PID and LISTEN_FDS.
public enum SocketActivation {
    /// Descriptors passed to this process, or none. LISTEN_PID must name this
    /// process, because the variables are inherited by children that did not
    /// receive the descriptors.
    public static func listeningDescriptors(environment: [String: String], processID: Int32,
                                            firstDescriptor: Int32 = 3) -> [Int32] {
        guard let pid = environment["LISTEN_PID"].flatMap({ Int32($0) }), pid == processID,
              let count = environment["LISTEN_FDS"].flatMap({ Int32($0) }), count >= 1
        else { return [] }
        return Array(firstDescriptor..<(firstDescriptor + count))
    }

    /// Reads this process's variables and then unsets them so that no child
    /// we spawn believes the descriptors are meant for it. Descriptors are
    /// marked close-on-exec for the same reason.
    public static func takeInheritedDescriptors() -> [Int32] {
        let descriptors = listeningDescriptors(environment: ProcessInfo.processInfo.environment, processID: getpid())
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        return descriptors
    }
}
