import Foundation
import Synchronization

/// Releases temporary losses when their deadlines pass, while the daemon runs.
///
/// It sleeps until the earliest deadline from the index, but never longer than
/// `maximumSleep`, and on every wake compares the *wall clock* with the
/// deadline. Kernel timers on wall-clock time do not see every clock step,
/// and monotonic timers would release early after a backward step; a short
/// sleep plus a wall-clock comparison is late by at most `maximumSleep` and
/// never early. At start it releases everything that fell due while the
/// daemon was down. Its sleeps are on the monotonic clock (a semaphore with a
/// `DispatchTime` timeout), so a wall-clock step never stretches a sleep.
public final class TemporaryLossKeeper: Sendable {
    private let registry: Registry
    private let maximumSleep: TimeInterval
    private let onError: @Sendable (Error) -> Void
    private let onRelease: @Sendable (Int) -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private struct Phase {
        var started = false
        var stopping = false
    }

    private let phase = Mutex(Phase())

    public init(registry: Registry, maximumSleep: TimeInterval = 0.5,
                onRelease: @escaping @Sendable (Int) -> Void = { _ in },
                onError: @escaping @Sendable (Error) -> Void = { _ in }) {
        self.registry = registry
        self.maximumSleep = maximumSleep
        self.onRelease = onRelease
        self.onError = onError
    }

    /// Releases what is overdue now, then keeps watching on a thread of its own.
    /// With `whenReachable` (a shared registry that may be down at start), a
    /// failure of that first release goes to `onError` and the thread retries
    /// it, instead of failing the start.
    public func start(whenReachable: Bool = false) throws {
        do {
            let released = try registry.releaseExpiredLosses()
            if released > 0 { onRelease(released) }
        } catch where whenReachable {
            onError(error)
        }
        let thread = Thread { [self] in run() }
        thread.name = "sscard.loss-keeper"
        phase.withLock { $0.started = true }
        thread.start()
    }

    /// Wakes the keeper early, e.g. after a loss with a short policy deadline.
    public func nudge() { wake.signal() }

    /// Stops the thread and waits until it has left its loop.
    public func stop() {
        let wasStarted = phase.withLock { phase in
            defer { phase.stopping = true }
            return phase.started && !phase.stopping
        }
        guard wasStarted else { return }
        wake.signal()
        done.wait()
    }

    private var isStopping: Bool { phase.withLock { $0.stopping } }

    private func run() {
        while !isStopping {
            var sleep = maximumSleep
            do {
                if let next = try registry.nextLossDeadline() {
                    let remaining = Double(next.milliseconds - registry.clock.now().milliseconds) / 1000
                    if remaining <= 0 {
                        let released = try registry.releaseExpiredLosses()
                        if released > 0 {
                            onRelease(released)
                            continue
                        }
                        // Due by this host's clock but nothing released: another
                        // daemon's keeper holds it, or the database server's clock
                        // has not reached it yet. Look again shortly; do not spin.
                        sleep = min(sleep, 0.05)
                    } else {
                        sleep = max(0.001, min(sleep, remaining))
                    }
                }
            } catch {
                onError(error)
            }
            _ = wake.wait(timeout: .now() + sleep)
        }
        done.signal()
    }
}
