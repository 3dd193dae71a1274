import Foundation
import Glibc

/// What a process holds at one moment, read from /proc: the figures the
/// reader, abuse and soak runs compare to show that nothing leaks.
struct ProcessSample: CustomStringConvertible {
    /// Resident set size (VmRSS), KiB.
    let rssKiB: Int
    /// Open file descriptors.
    let descriptors: Int
    /// Of those, sockets (client connections, pcscd); the rest are files, pipes, epoll, eventfd.
    let sockets: Int

    var others: Int { descriptors - sockets }

    /// Reads /proc/PID/status and /proc/PID/fd; throws if the process is gone.
    static func of(_ pid: pid_t) throws -> ProcessSample {
        let status: String
        do {
            status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        } catch {
            throw ProbeError.processGone(pid)
        }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            throw ProbeError.unreadable("/proc/\(pid)/status VmRSS")
        }
        let directory = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ProbeError.processGone(pid)
        }
        var sockets = 0
        for entry in entries {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + entry),
               target.hasPrefix("socket:") {
                sockets += 1
            }
        }
        return ProcessSample(rssKiB: kib, descriptors: entries.count, sockets: sockets)
    }

    var description: String { "RSS \(rssKiB) KiB, \(descriptors) fds (\(sockets) sockets)" }
}

/// Why a run could not observe or drive what it needed.
enum ProbeError: Error, CustomStringConvertible {
    case processGone(pid_t)
    case unreadable(String)
    case unexpected(String)

    var description: String {
        switch self {
        case let .processGone(pid): return "process \(pid) is gone"
        case let .unreadable(what): return "cannot read \(what)"
        case let .unexpected(what): return what
        }
    }
}
