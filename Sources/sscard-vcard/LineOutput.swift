import Foundation

/// Whole lines to stdout, flushed at once: tests wait for the readiness
/// line on a pipe, so it must not sit in a buffer.
final class LineOutput: @unchecked Sendable {
    private let lock = NSLock()

    func line(_ text: String) {
        lock.withLock {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}
