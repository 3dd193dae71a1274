import Foundation

/// Reads a child process's log from a pipe and notes the moment each awaited
/// text first appears, so start-up steps are timed by the process's own words
/// (an event) instead of by polling. What it reads goes on to this process's
/// standard error, so the child's log stays visible.
final class LogWatch: @unchecked Sendable {
    struct Ended: Error, CustomStringConvertible {
        let process: String
        let awaited: String
        let timeout: Double
        var description: String { "\(process) did not log \"\(awaited)\" (it exited, or \(Int(timeout)) s passed)" }
    }

    private let condition = NSCondition()
    private let awaited: [String]
    private var pending = ""
    private var seen: [String: (at: UInt64, line: String)] = [:]
    private var ended = false
    let process: String

    init(_ pipe: Pipe, process: String, awaiting: [String]) {
        self.process = process
        self.awaited = awaiting
        let reading = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while case let chunk = reading.availableData, !chunk.isEmpty {
                let at = monotonicNanoseconds()
                FileHandle.standardError.write(chunk)
                condition.withLock {
                    guard seen.count < awaited.count else { return }
                    pending += String(decoding: chunk, as: UTF8.self)
                    for text in awaited where seen[text] == nil {
                        guard let range = pending.range(of: text) else { continue }
                        let line = pending[..<range.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
                        let rest = pending[range.lowerBound...].prefix { $0 != "\n" }
                        seen[text] = (at, String(line + rest))
                    }
                    if seen.count == awaited.count { pending = "" }
                    condition.broadcast()
                }
            }
            condition.withLock {
                ended = true
                condition.broadcast()
            }
        }
    }

    /// The monotonic time at which `text` arrived, and the log line holding
    /// it (as far as it had arrived); waits for it up to `timeout` seconds.
    func time(of text: String, timeout: Double) throws -> (at: UInt64, line: String) {
        precondition(awaited.contains(text), "LogWatch was not asked to await \(text)")
        let deadline = Date(timeIntervalSinceNow: timeout)
        return try condition.withLock {
            while seen[text] == nil {
                guard !ended, condition.wait(until: deadline) else { throw Ended(process: process, awaited: text, timeout: timeout) }
            }
            return seen[text]!
        }
    }
}
