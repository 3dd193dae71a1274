import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The sd_notify(3) protocol without libsystemd: one datagram of
/// `KEY=VALUE` lines to the Unix socket named by NOTIFY_SOCKET (a path, or
/// an abstract name written with a leading `@`).
public struct SystemdNotify: Sendable {
    /// Where notifications go; nil when not started by systemd with Type=notify.
    public let socketPath: String?
    /// How often to send WATCHDOG=1 (half of WatchdogSec, as systemd
    /// recommends); nil when the watchdog is off or meant for another process.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, processID: Int32 = getpid()) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        socketPath = path.isEmpty ? nil : path
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 {
            let owner = environment["WATCHDOG_PID"].flatMap { Int32($0) }
            if owner == nil || owner == processID {
                interval = .microseconds(Int64(clamping: microseconds / 2))
            }
        }
        watchdogInterval = interval
    }

    /// Sends `state` (e.g. "READY=1", "STATUS=…", "STOPPING=1",
    /// "WATCHDOG=1"). Returns false when not under systemd; throws when the
    /// socket exists but the datagram could not be sent.
    @discardableResult
    public func notify(_ state: String) throws(SystemError) -> Bool {
        guard let socketPath else { return false }
        guard let address = UnixSocketAddress(path: socketPath) else { throw SystemError("sd_notify", errno: ENAMETOOLONG) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .current("socket") }
        defer { Glibc.close(descriptor) }
        let bytes = Array(state.utf8)
        let sent = bytes.withUnsafeBytes { raw in
            address.withSockaddr { sendto(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL), $0, $1) }
        }
        guard sent == bytes.count else { throw .current("sendto(\(socketPath))") }
        return true
    }

    public func ready() throws(SystemError) { try notify("READY=1") }
    public func stopping() throws(SystemError) { try notify("STOPPING=1") }
    public func watchdog() throws(SystemError) { try notify("WATCHDOG=1") }
    public func status(_ text: String) throws(SystemError) { try notify("STATUS=" + text.replacingOccurrences(of: "\n", with: " ")) }
}
