import Foundation
import Glibc

/// What a process holds at one moment, read from /proc: the figures the
/// reader, abuse and soak runs compare to show that nothing leaks.
struct ProcessSample: CustomStringConvertible {
    /// Resident set size (VmRSS), KiB.
    let rssKiB: Int
    /// Of which anonymous memory (RssAnon: heap, stacks, SQLite's page
    /// caches), and file pages mapped in (RssFile: the binary, libraries,
    /// the registry's memory-mapped database and WAL index).
    let anonymousKiB: Int
    let fileKiB: Int
    /// Open file descriptors.
    let descriptors: Int
    /// Of those, sockets (client connections, pcscd); the rest are files, pipes, epoll, eventfd.
    let sockets: Int
    /// Of those, the registry's database and WAL files: two per SQLite
    /// connection, whose reader pool opens connections on demand up to its
    /// limit.
    let registryFiles: Int

    var others: Int { descriptors - sockets }

    /// Reads /proc/PID/status and /proc/PID/fd; throws if the process is gone.
    static func of(_ pid: pid_t) throws -> ProcessSample {
        let status: String
        do {
            status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        } catch {
            throw ProbeError.processGone(pid)
        }
        func kib(_ key: String) throws -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
                  let value = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
                throw ProbeError.unreadable("/proc/\(pid)/status \(key)")
            }
            return value
        }
        let rss = try kib("VmRSS"), anonymous = try kib("RssAnon"), file = try kib("RssFile")
        let directory = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw ProbeError.processGone(pid)
        }
        // A descriptor closed between the listing and its readlink (a client
        // connection ending, under churn) is not counted: counting it as
        // "not a socket" made the non-socket count flicker.
        var descriptors = 0
        var sockets = 0
        var registryFiles = 0
        for entry in entries {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + entry) else { continue }
            descriptors += 1
            if target.hasPrefix("socket:") { sockets += 1 }
            if target.hasSuffix("/registry.sqlite") || target.hasSuffix("/registry.sqlite-wal") { registryFiles += 1 }
        }
        return ProcessSample(rssKiB: rss, anonymousKiB: anonymous, fileKiB: file, descriptors: descriptors, sockets: sockets,
                             registryFiles: registryFiles)
    }

    /// What each descriptor points at (readlink of /proc/PID/fd/N), sorted;
    /// the difference between two of these names a leak.
    static func targets(_ pid: pid_t) -> [String] {
        let directory = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.compactMap { entry in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + entry)).map {
                // Sockets differ by inode only: count them by kind.
                $0.hasPrefix("socket:") ? "socket" : $0
            }
        }.sorted()
    }

    /// Targets in `after` beyond those in `before` (a multiset difference).
    static func added(_ before: [String], _ after: [String]) -> [String] {
        var remaining = before
        return after.filter { target in
            if let index = remaining.firstIndex(of: target) {
                remaining.remove(at: index)
                return false
            }
            return true
        }
    }

    var description: String { "RSS \(rssKiB) KiB (anon \(anonymousKiB), file \(fileKiB)), \(descriptors) fds (\(sockets) sockets)" }
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
