#if canImport(Glibc)
import Glibc
#endif
import Varlink

/// sscard-kiosk --web: the same state machine and daemon link as the
/// terminal kiosk, with the page server as its screen and keypad. Inputs
/// from the page arrive in the inbox like daemon events; after every change
/// the state is rendered as the page model and published to the page.
enum WebKiosk {
    static func run(_ options: KioskOptions, environment: [String: String]) -> Int32 {
        KioskLog.open()
        signal(SIGPIPE, SIG_IGN)
        SignalPipe.install([SIGTERM, SIGINT, SIGHUP])

        let inbox = EventInbox()
        let session = PageSession()
        let speech = SpeechSynthesizer(command: options.speechCommand)
        let server: PageServer
        do {
            server = try PageServer(port: options.listenPort, session: session, speech: speech) { key in
                inbox.post(.key(key))
            }
            try session.writeStartPage(to: options.startPagePath(environment: environment), port: options.listenPort)
        } catch {
            Kiosk.printError("sscard-kiosk: \(error)")
            KioskLog.warning("\(error)")
            return 1
        }
        let link = DaemonLink(socketPath: options.socketPath, inbox: inbox)
        var state = KioskState(language: options.language, reader: options.reader, limits: options.limits)
        server.start()
        link.start()
        KioskLog.notice("serving the page on 127.0.0.1:\(options.listenPort), socket \(options.socketPath)")

        var shown: JSONValue?
        var lastTick = Kiosk.now()
        while true {
            let model = PageModel(state: state, speechAvailable: speech.available).json()
            if shown != model {
                server.publish(model)
                shown = model
            }
            var descriptors = [
                pollfd(fd: inbox.readDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: SignalPipe.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, nfds_t(descriptors.count), 250)
            if ready < 0 && errno != EINTR { return 1 }
            if descriptors[1].revents != 0, let number = SignalPipe.drain().first {
                KioskLog.notice("stopping on signal \(number)")
                return 0
            }
            if descriptors[0].revents != 0 {
                for event in inbox.drain() { link.perform(state.handle(event)) }
            }
            let now = Kiosk.now()
            link.perform(state.handle(.elapsed(now - lastTick)))
            lastTick = now
        }
    }
}
