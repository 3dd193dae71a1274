import Foundation
import Glibc
import Synchronization

/// SIGTERM, SIGINT and SIGHUP for sscardd, taken by one thread with `sigwait`.
///
/// The signals are blocked in the main thread before any other thread
/// exists (threads inherit the mask), so one that arrives at any moment of
/// the start stays pending until the signal thread takes it: a supervisor or
/// test that sends SIGTERM the instant "listening on" appears gets a graceful
/// stop. (SIG_IGN followed by a dispatch signal source, as before, discarded
/// a signal sent between the two; sscard-vcard had the same window.)
final class DaemonSignals: Sendable {
    enum Received: Sendable {
        /// SIGTERM or SIGINT.
        case stop
        /// SIGHUP.
        case reload
    }

    static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Blocks the handled signals in the calling thread. Call it first thing
    /// in `main`, before anything can start a thread; calling it again is
    /// harmless.
    static func block() {
        var set = signalSet
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private static var signalSet: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in handled { sigaddset(&set, number) }
        return set
    }

    private let thread = Mutex<Thread?>(nil)

    /// Starts the signal thread; `handler` runs on it, one signal at a time,
    /// in the order they were taken. Signals pending from before are taken
    /// at once.
    func start(_ handler: @escaping @Sendable (Received) -> Void) {
        Self.block()
        thread.withLock { running in
            guard running == nil else { return }
            let thread = Thread {
                var set = Self.signalSet
                while true {
                    var number: Int32 = 0
                    guard sigwait(&set, &number) == 0 else { continue }
                    handler(number == SIGHUP ? .reload : .stop)
                }
            }
            thread.name = "sscard.signals"
            running = thread
            thread.start()
        }
    }
}
