#if canImport(Glibc)
import Glibc
#endif

/// sscard-kiosk: the self-service terminal (or, with --web, the touch-screen
/// page: `WebKiosk`). One loop polls the terminal,
/// the daemon link's inbox and the signal pipe; every input becomes an
/// event for `KioskState`, whose effects go to `DaemonLink`, and the screen
/// is redrawn from the state.
public enum Kiosk {
    public static func main(_ words: [String], environment: [String: String]) -> Int32 {
        let options: KioskOptions
        do {
            options = try KioskOptions(words, environment: environment)
        } catch {
            printError("sscard-kiosk: \(error)\n\(KioskOptions.usage)")
            return 2
        }
        if options.help {
            print(KioskOptions.usage)
            return 0
        }
        if options.web { return WebKiosk.run(options, environment: environment) }
        let terminal: Terminal
        do {
            terminal = try Terminal()
        } catch {
            printError("sscard-kiosk: \(error)")
            return 1
        }
        KioskLog.open()
        signal(SIGPIPE, SIG_IGN)
        SignalPipe.install([SIGTERM, SIGINT, SIGHUP, SIGWINCH])

        let inbox = EventInbox()
        let link = DaemonLink(socketPath: options.socketPath, inbox: inbox)
        var state = KioskState(language: options.language, reader: options.reader, limits: options.limits)
        let renderer = KioskRenderer()
        var lastTick = now()

        terminal.enter()
        defer { terminal.restore() }
        KioskLog.notice("started on socket \(options.socketPath)")
        link.start()

        var size = terminal.size()
        var input = [UInt8](repeating: 0, count: 256)
        while true {
            terminal.draw(renderer.render(state, columns: size.columns, rows: size.rows))

            var descriptors = [
                pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0),
                pollfd(fd: inbox.readDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: SignalPipe.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, nfds_t(descriptors.count), 100)
            if ready < 0 && errno != EINTR { return 1 }

            if descriptors[2].revents != 0 {
                for number in SignalPipe.drain() {
                    if number == SIGWINCH {
                        size = terminal.size()
                        terminal.invalidate()
                    } else {
                        KioskLog.notice("stopping on signal \(number)")
                        return 0
                    }
                }
            }
            if descriptors[0].revents != 0 {
                let count = read(terminal.input, &input, input.count)
                if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) {
                    KioskLog.warning("the terminal closed")
                    return 1
                }
                if count > 0 {
                    let keys = KeyDecoder.decode(input[0..<count])
                    // The read buffer held typed PIN digits: overwrite it.
                    SecretCall.wipe(&input)
                    for key in keys { link.perform(state.handle(.key(key))) }
                }
            }
            if descriptors[1].revents != 0 {
                for event in inbox.drain() { link.perform(state.handle(event)) }
            }
            // The state counts idle time against the screen's limit (and warns).
            let time = now()
            link.perform(state.handle(.elapsed(time - lastTick)))
            lastTick = time
        }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func printError(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        _ = write(STDERR_FILENO, &bytes, bytes.count)
    }
}
