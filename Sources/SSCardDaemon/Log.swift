import Foundation
import SSCardValues

/// One line per event on stderr, with the journald priority prefix.
///
/// Messages are built by the caller from masked descriptions
/// (`SocialSecurityNumber.description` and friends); `Log` additionally
/// refuses to print anything that looks like a full 18-character social
/// security number, as a last line of defence against a careless message.
public final class Log: @unchecked Sendable {
    private let lock = NSLock()
    private var threshold: LogLevel
    private let write: (String) -> Void

    public init(level: LogLevel, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        threshold = level
        self.write = write
    }

    public var level: LogLevel {
        get { lock.withLock { threshold } }
        set { lock.withLock { threshold = newValue } }
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level <= self.level else { return }
        let text = Self.scrub(message()).replacingOccurrences(of: "\n", with: " ")
        lock.withLock { write("<\(level.rawValue)>\(text)\n") }
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
