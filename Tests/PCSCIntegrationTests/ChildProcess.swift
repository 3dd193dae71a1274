import Foundation
import Glibc

/// A child process for the rig (pcscd, sscard-vcard, python), with its
/// output read line by line so tests can wait for a readiness line.
///
/// Children are started through `setpriv --pdeathsig TERM` from one
/// long-lived thread, so that a crashed or killed test run takes them
/// along instead of leaving a pcscd behind. (The death signal follows the
/// thread that forked, hence the dedicated thread.)
final class ChildProcess: @unchecked Sendable {
    let name: String
    private let process = Process()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var outputClosed = false
    private let log: FileHandle?

    /// Starts `executable` with `arguments`; stdout and stderr are merged,
    /// kept in memory and appended to `logPath`.
    init(name: String, executable: String, arguments: [String], environment: [String: String] = [:],
         logPath: String? = nil) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--pdeathsig", "TERM", executable] + arguments
        var env = ProcessInfo.processInfo.environment
        environment.forEach { env[$0.key] = $0.value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        if let logPath {
            FileManager.default.createFile(atPath: logPath, contents: nil)
            log = FileHandle(forWritingAtPath: logPath)
        } else {
            log = nil
        }
        try Spawner.shared.run { try self.process.run() }
        let reader = Thread { [self] in readLines(pipe.fileHandleForReading) }
        reader.name = "output-\(name)"
        reader.start()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    private func readLines(_ handle: FileHandle) {
        var pending = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            log?.write(chunk)
            pending += chunk
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                condition.withLock {
                    lines.append(line)
                    condition.broadcast()
                }
            }
        }
        condition.withLock {
            outputClosed = true
            condition.broadcast()
        }
    }

    /// Waits for a line containing `text` that arrived after the first
    /// `after` lines; returns its index. The deadline only bounds a broken
    /// run: the wait itself ends on the line's arrival.
    @discardableResult
    func waitForLine(containing text: String, after: Int = 0, timeout: TimeInterval = 20) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var index = after
        while true {
            while index < lines.count {
                if lines[index].contains(text) { return index }
                index += 1
            }
            if outputClosed { throw RigError.exited(name, lines.suffix(5).joined(separator: " | ")) }
            if !condition.wait(until: deadline) { throw RigError.timeout("\(name): \"\(text)\"") }
        }
    }

    var lineCount: Int { condition.withLock { lines.count } }
    var output: [String] { condition.withLock { lines } }

    /// SIGTERM, then wait for the exit.
    func terminate() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { terminate() }
}

/// Runs closures on one thread that lives as long as the test process.
final class Spawner: @unchecked Sendable {
    static let shared = Spawner()
    private let requests = NSCondition()
    private var queue: [() -> Void] = []

    private init() {
        let thread = Thread { [self] in
            while true {
                requests.lock()
                while queue.isEmpty { requests.wait() }
                let job = queue.removeFirst()
                requests.unlock()
                job()
            }
        }
        thread.name = "rig-spawner"
        thread.start()
    }

    func run(_ body: @escaping () throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        requests.withLock {
            queue.append {
                do { try body() } catch { failure = error }
                done.signal()
            }
            requests.signal()
        }
        done.wait()
        if let failure { throw failure }
    }
}

enum RigError: Error, CustomStringConvertible {
    case timeout(String)
    case exited(String, String)
    case missing(String)

    var description: String {
        switch self {
        case let .timeout(what): return "timed out waiting for \(what)"
        case let .exited(name, tail): return "\(name) exited; last output: \(tail)"
        case let .missing(what): return "missing \(what)"
        }
    }
}
