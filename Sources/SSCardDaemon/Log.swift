import Foundation
import Synchronization

/// One line per event on stderr, with the journald priority prefix.
///
/// Messages are built by the caller from masked descriptions
/// (`SocialSecurityNumber.description` and friends); `Log` additionally
/// refuses to print anything that looks like a full 18-character social
/// security number, as a last line of defence against a careless message.
public final class Log: Sendable {
    private let threshold: Mutex<LogLevel>
    /// Held while a line is written, so lines from many threads never interleave.
    private let output: Mutex<@Sendable (String) -> Void>

    public init(level: LogLevel,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        threshold = Mutex(level)
        output = Mutex(write)
    }

    public var level: LogLevel {
        get { threshold.withLock { $0 } }
        set { threshold.withLock { $0 = newValue } }
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level <= self.level else { return }
        let line = "<\(level.rawValue)>" + Self.scrub(message()).replacingOccurrences(of: "\n", with: " ") + "\n"
        output.withLock { write in write(line) }
    }

    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func notice(_ message: @autoclosure () -> String) { log(.notice, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }

    /// Masks any run of 17 digits followed by a digit or X: an unmasked
    /// social security number that slipped into a message.
    static func scrub(_ text: String) -> String {
        var out = ""
        var run: [Character] = []
        func flush() {
            if run.count == 18, run.prefix(17).allSatisfy(\.isASCII) {
                out += String(run.prefix(4)) + String(repeating: "*", count: 10) + String(run.suffix(4))
            } else {
                out += String(run)
            }
            run.removeAll()
        }
        for char in text {
            if char.isASCII && (char.isNumber || ((char == "X" || char == "x") && run.count == 17)) {
                run.append(char)
            } else {
                flush()
                out.append(char)
            }
        }
        flush()
        return out
    }
}
