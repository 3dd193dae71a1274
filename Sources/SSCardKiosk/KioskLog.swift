#if canImport(Glibc)
import Glibc
#endif

/// The kiosk's log: syslog (the journal under systemd), since stdout and
/// stderr are the kiosk's screen. Messages name events and error names
/// only: never PINs, names or card numbers.
enum KioskLog {
    static func open() {
        openlog("sscard-kiosk", LOG_PID, LOG_DAEMON)
    }

    static func notice(_ message: String) { write(LOG_NOTICE, message) }
    static func warning(_ message: String) { write(LOG_WARNING, message) }
    static func info(_ message: String) { write(LOG_INFO, message) }

    private static func write(_ priority: Int32, _ message: String) {
        message.withCString { text in
            withVaList([text]) { vsyslog(priority, "%s", $0) }
        }
    }
}
