import Dispatch
import Varlink

/// WATCHDOG=1 to systemd at half the interval it asked for (`WatchdogSec=`;
/// `SystemdNotify.watchdogInterval` is already that half), on a timer on a
/// global dispatch queue. Started last, once everything it vouches for runs;
/// stopped first. Without `WATCHDOG_USEC` it starts nothing.
final class Watchdog: DaemonService {
    let name = "watchdog"
    private let notify: SystemdNotify
    private var timer: DispatchSourceTimer?

    init(notify: SystemdNotify) {
        self.notify = notify
    }

    func start() {
        guard let interval = notify.watchdogInterval else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let period = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        timer.schedule(deadline: .now() + period, repeating: period)
        timer.setEventHandler { [notify] in _ = try? notify.watchdog() }
        timer.resume()
        self.timer = timer
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }
}
