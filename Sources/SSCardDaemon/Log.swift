import Foundation
import SSCardValues
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

    /// The last line of defence: `PersonalData.scrub` masks an SSN that
    /// slipped into a message unmasked.
    static func scrub(_ text: String) -> String { PersonalData.scrub(text) }
}
