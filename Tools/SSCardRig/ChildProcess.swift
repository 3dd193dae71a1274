import Foundation
import Glibc

/// A child process for the rig (pcscd, sscard-vcard, python), with its
/// output read line by line so tests can wait for a readiness line.
///
/// Children are started through `setpriv --pdeathsig TERM` from one
/// long-lived thread, so that a crashed or killed test run takes them
/// along instead of leaving a pcscd behind. (The death signal follows the
/// thread that forked, hence the dedicated thread.)
public final class ChildProcess: @unchecked Sendable {
    public let name: String
    public let pid: pid_t
    private let condition = NSCondition()
    private var lines: [String] = []
    private var outputClosed = false
    private var exitStatus: Int32?
    private let exitLock = NSLock()
    private let log: FileHandle?

    /// Starts `executable` with `arguments` (posix_spawn; Foundation's
    /// Process did not reap children reliably here); stdout and stderr are
    /// merged, kept in memory and appended to `logPath`.
    public init(name: String, executable: String, arguments: [String], logPath: String? = nil) throws {
        self.name = name
        if let logPath {
            FileManager.default.createFile(atPath: logPath, contents: nil)
            log = FileHandle(forWritingAtPath: logPath)
        } else {
            log = nil
        }
        let argv = ["/usr/bin/setpriv", "--pdeathsig", "TERM", executable] + arguments
        let (code, spawned, fds): (Int32, pid_t, [Int32]) = try Spawner.shared.run {
            var child: pid_t = 0
            // Made on the spawner thread and close-on-exec, so no other
            // child inherits this pipe (dup2 onto 1 and 2 clears the flag
            // for this child's copies only).
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw RigError.missing("a pipe") }
            fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addclose(&actions, fds[1])
            let cArgs = argv.map { strdup($0) } + [nil]
            defer { cArgs.forEach { free($0) } }
            let result = posix_spawn(&child, argv[0], &actions, nil, cArgs, environ)
            close(fds[1])
            return (result, child, fds)
        }
        guard code == 0 else {
            close(fds[0])
            throw RigError.missing("\(executable) (posix_spawn \(code))")
        }
        pid = spawned
        ChildProcess.register(spawned)
        let readFD = fds[0]
        let reader = Thread { [self] in readLines(FileHandle(fileDescriptor: readFD, closeOnDealloc: true)) }
        reader.name = "output-\(name)"
        reader.start()
    }

    /// Children still running, killed by an atexit handler so a test run
    /// never leaves a pcscd behind.
    nonisolated(unsafe) private static var running: Set<pid_t> = []
    private static let registry = NSLock()
    private static let installExitHandler: Void = {
        atexit {
            ChildProcess.registry.lock()
            for pid in ChildProcess.running {
                kill(pid, SIGKILL)
                waitpid(pid, nil, 0)  // reap, so no zombie outlives the run
            }
            ChildProcess.registry.unlock()
        }
    }()

    private static func register(_ pid: pid_t) {
        _ = installExitHandler
        registry.withLock { _ = running.insert(pid) }
    }

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
    public func waitForLine(containing text: String, after: Int = 0, timeout: TimeInterval = 20) throws -> Int {
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

    /// Every line, once the child has closed its output (it exited, or
    /// at least closed stdout and stderr): waits for that end of file.
    public func completeOutput(timeout: TimeInterval = 20) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !outputClosed {
            if !condition.wait(until: deadline) { throw RigError.timeout("\(name): end of output") }
        }
        return lines
    }

    public var lineCount: Int { condition.withLock { lines.count } }
    public var output: [String] { condition.withLock { lines } }

    public var isRunning: Bool { exitLock.withLock { exitStatus == nil } }

    /// Sends `signal` (SIGTERM: a clean exit; SIGKILL for pcscd, which
    /// can hang on SIGTERM while its driver blocks), then waits for the exit.
    public func terminate(signal: Int32 = SIGTERM) {
        guard isRunning else { return }
        kill(pid, signal)
        _ = waitForExit()
    }

    /// Blocks in waitpid until the child exits; its exit code (128 + signal
    /// if killed).
    public func waitForExit() -> Int32 {
        exitLock.lock()
        defer { exitLock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        exitStatus = code
        ChildProcess.registry.withLock { _ = ChildProcess.running.remove(pid) }
        return code
    }

    deinit { terminate() }
}

/// Runs closures on one thread that lives as long as the test process.
public final class Spawner: @unchecked Sendable {
    public static let shared = Spawner()
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

    public func run<T>(_ body: @escaping () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<T, Error>?
        requests.withLock {
            queue.append {
                result = Result { try body() }
                done.signal()
            }
            requests.signal()
        }
        done.wait()
        return try result!.get()
    }
}

public enum RigError: Error, CustomStringConvertible {
    case timeout(String)
    case exited(String, String)
    case missing(String)

    public var description: String {
        switch self {
        case let .timeout(what): return "timed out waiting for \(what)"
        case let .exited(name, tail): return "\(name) exited; last output: \(tail)"
        case let .missing(what): return "missing \(what)"
        }
    }
}

/// Runs a program to its end and returns its exit status and everything it
/// wrote (standard output and error together), for tests that check what a
/// command-line tool says.
public func runToEnd(_ executable: String, _ arguments: [String],
                     environment: [String: String]? = nil) throws -> (code: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
