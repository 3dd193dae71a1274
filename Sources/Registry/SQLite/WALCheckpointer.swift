import Foundation
import SQLiteStore
import Synchronization

/// Copies the write-ahead log back into the database file from a thread of
/// its own, so that commits do not pay for checkpoints.
///
/// With SQLite's automatic checkpoint, every thousandth page committed makes
/// *that* commit write and fsync the database file, a latency spike for
/// whichever caller is unlucky. Here a passive checkpoint runs a few times a
/// second on a separate connection; passive checkpoints never block the
/// writer or readers. The writer keeps a high automatic threshold as a
/// backstop, should this thread fall behind.
final class WALCheckpointer: Sendable {
    private let connection: Connection
    private let interval: TimeInterval
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)

    init(path: String, interval: TimeInterval = 0.25) throws {
        var options = Connection.Options()
        options.create = false
        connection = try Connection(path: path, options: options)
        self.interval = interval
        let thread = Thread { [self] in run() }
        thread.name = "sscard.checkpoint"
        thread.start()
    }

    private func run() {
        while !stopping.withLock({ $0 }) {
            _ = wake.wait(timeout: .now() + interval)
            // Passive: copies what no reader still needs and returns; a busy
            // database is simply tried again on the next round.
            try? connection.checkpoint(truncate: false)
        }
        try? connection.close()
        done.signal()
    }

    /// Stops the thread after a last checkpoint and closes its connection.
    func stop() {
        let first = stopping.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        wake.signal()
        done.wait()
    }
}
