import Foundation
import Varlink

/// The page's HTTP server on 127.0.0.1: one thread polls the listener, the
/// connections being read, and the event streams. One request per
/// connection (`Connection: close`), except /events, which stays open and
/// gets the rendered state on every change. See docs/kiosk.md, "The page and its secret".
final class PageServer: @unchecked Sendable {
    let port: UInt16
    let session: PageSession
    let speech: SpeechSynthesizer
    /// Called on the server thread with each accepted input.
    private let onInput: @Sendable (Key) -> Void
    private let listener: Int32
    /// A pipe the loop polls: `publish` writes a byte to wake it.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let lock = NSLock()
    private var latest: [UInt8] = Array("{}".utf8)
    private var published = 0

    private struct Reading {
        var buffer: [UInt8] = []
        let deadline: Double
    }
    private var reading: [Int32: Reading] = [:]
    private var streams: [Int32] = []
    /// Wrong /start secrets, which any local user can send in a loop.
    private var wrongStarts = JournalBudget()
    static let maximumConnections = 16

    init(port: UInt16, session: PageSession, speech: SpeechSynthesizer,
         onInput: @escaping @Sendable (Key) -> Void) throws(PageServerError) {
        self.port = port
        self.session = session
        self.speech = speech
        self.onInput = onInput
        listener = try PageListener.open(port: port)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .socket(errno) }
        for end in ends { PageListener.configure(end) }
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "kiosk-page"
        thread.start()
    }

    /// The state as the page shows it; sent to every stream.
    func publish(_ model: JSONValue) {
        let bytes = model.serialized()
        lock.withLock {
            latest = bytes
            published += 1
        }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)  // a full pipe already means "wake up"
    }

    // MARK: The loop

    private func loop() {
        var sent = 0
        var lastKeepalive = Kiosk.now()
        while true {
            var descriptors = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for fd in reading.keys { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            for fd in streams { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 1000)
            let now = Kiosk.now()
            if descriptors[0].revents != 0 { accept(now) }
            if descriptors[1].revents != 0 {
                var scratch = [UInt8](repeating: 0, count: 64)
                while Glibc.read(wakeRead, &scratch, scratch.count) > 0 {}
            }
            for entry in descriptors.dropFirst(2) where entry.revents != 0 {
                if reading[entry.fd] != nil { read(entry.fd) } else { closeStream(entry.fd) }
            }
            for (fd, connection) in reading where connection.deadline < now { finish(fd, .text(.badRequest)) }
            let (bytes, count) = lock.withLock { (latest, published) }
            if count != sent {
                sent = count
                broadcast(Array("data: ".utf8) + bytes + Array("\n\n".utf8))
            } else if now - lastKeepalive > 15 {
                lastKeepalive = now
                broadcast(Array(": keepalive\n\n".utf8))
            }
        }
    }

    private func accept(_ now: Double) {
        while true {
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else { return }
            PageListener.configure(fd)
            guard reading.count + streams.count < Self.maximumConnections else {
                close(fd)
                continue
            }
            reading[fd] = Reading(deadline: now + HTTPLimits.readSeconds)
        }
    }

    private func read(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 2048)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if count <= 0 {
            if count == 0 || (errno != EAGAIN && errno != EINTR) { drop(fd) }
            return
        }
        reading[fd]!.buffer += chunk[0..<count]
        SecretCall.wipe(&chunk)  // it may have held a digit
        do {
            guard case .request(var request, _) = try HTTPRequestParser.parse(reading[fd]!.buffer) else { return }
            SecretCall.wipe(&reading[fd]!.buffer)
            reading[fd] = nil
            respond(fd, &request)
        } catch {
            finish(fd, .text(error.status))
        }
    }

    private func drop(_ fd: Int32) {
        if var connection = reading.removeValue(forKey: fd) { SecretCall.wipe(&connection.buffer) }
        close(fd)
    }

    /// Answers and closes a connection still being read.
    private func finish(_ fd: Int32, _ response: HTTPResponse) {
        if var connection = reading.removeValue(forKey: fd) { SecretCall.wipe(&connection.buffer) }
        PageListener.send(fd, response.serialized())
        close(fd)
    }

    private func answer(_ fd: Int32, _ response: HTTPResponse) {
        PageListener.send(fd, response.serialized())
        close(fd)
    }

    private func broadcast(_ bytes: [UInt8]) {
        for fd in streams where !PageListener.send(fd, bytes, seconds: 0.5) { closeStream(fd) }
    }

    private func closeStream(_ fd: Int32) {
        guard let index = streams.firstIndex(of: fd) else { return }
        streams.remove(at: index)
        close(fd)
    }

    // MARK: Routes

    private func respond(_ fd: Int32, _ request: inout HTTPRequest) {
        defer { SecretCall.wipe(&request.body) }
        // Only this kiosk's own address: a page elsewhere that resolves a name
        // to 127.0.0.1 (DNS rebinding) sends another Host.
        guard request.header("host") == "127.0.0.1:\(port)" else { return answer(fd, .text(.forbidden)) }
        if request.path == "/start" {
            guard request.method == .get else { return answer(fd, .text(.methodNotAllowed)) }
            guard let token = session.start(secret: request.queryValue("secret")) else {
                let (log, unlogged) = wrongStarts.note(at: Kiosk.now())
                if log {
                    KioskLog.warning("page: /start with a wrong secret refused"
                                         + (unlogged > 0 ? " (and \(unlogged) more since the last such line, not logged)" : ""))
                }
                return answer(fd, .text(.forbidden))
            }
            // Not a 303: a redirect continues the navigation the file:// start
            // page began, which is cross-site, so a SameSite=Strict cookie would
            // not be sent with it. A page of this origin moving on to / is same-site.
            return answer(fd, HTTPResponse(.ok, contentType: "text/html; charset=utf-8", body: PageSession.onward, headers: [
                ("Set-Cookie", "\(PageSession.cookieName)=\(token); HttpOnly; SameSite=Strict; Path=/"),
            ]))
        }
        guard session.admits(request) else { return answer(fd, .text(.forbidden)) }
        switch (request.method, request.path) {
        case (.get, "/"): answer(fd, HTTPResponse(.ok, contentType: "text/html; charset=utf-8", body: PageAssets.html))
        case (.get, "/page.js"):
            answer(fd, HTTPResponse(.ok, contentType: "text/javascript; charset=utf-8", body: PageAssets.script))
        case (.get, "/page.css"): answer(fd, HTTPResponse(.ok, contentType: "text/css; charset=utf-8", body: PageAssets.style))
        case (.get, "/events"): openStream(fd)
        case (.post, "/input"): input(fd, request)
        case (.get, let path) where path.hasPrefix("/speech/"): speak(fd, path)
        case (.post, "/"), (.post, "/events"), (.post, "/page.js"), (.post, "/page.css"), (.get, "/input"):
            answer(fd, .text(.methodNotAllowed))
        default: answer(fd, .text(.notFound))
        }
    }

    private func openStream(_ fd: Int32) {
        let head = HTTPResponse(.ok, contentType: "text/event-stream; charset=utf-8").serialized(stream: true)
        let bytes = lock.withLock { latest }
        guard PageListener.send(fd, head + Array("retry: 1000\n\ndata: ".utf8) + bytes + Array("\n\n".utf8)) else {
            close(fd)
            return
        }
        streams.append(fd)
    }

    private func input(_ fd: Int32, _ request: HTTPRequest) {
        // A form or a page of another origin cannot send JSON without a preflight we never answer.
        if let origin = request.header("origin"), origin != "http://127.0.0.1:\(port)" {
            return answer(fd, .text(.forbidden))
        }
        guard request.header("content-type")?.hasPrefix("application/json") == true else {
            return answer(fd, .text(.unsupportedMediaType))
        }
        do {
            let key = try PageInput.key(from: request.body)
            onInput(key)
            answer(fd, HTTPResponse(.noContent))
        } catch {
            answer(fd, .text(.badRequest))
        }
    }

    /// /speech/<id>.<lang>.wav, synthesised on a thread of its own so that
    /// the event streams do not wait for espeak-ng.
    private func speak(_ fd: Int32, _ path: String) {
        let name = path.dropFirst("/speech/".count)
        let parts = name.split(separator: ".")
        guard parts.count == 3, parts[2] == "wav", let language = Language(rawValue: String(parts[1])),
              SpeechPrompt.text(String(parts[0])) != nil
        else { return answer(fd, .text(.notFound)) }
        let id = String(parts[0])
        let speech = self.speech
        Thread.detachNewThread {
            guard let wav = speech.wav(id, language) else {
                PageListener.send(fd, HTTPResponse.text(.notFound).serialized())
                close(fd)
                return
            }
            PageListener.send(fd, HTTPResponse(.ok, contentType: "audio/wav", body: wav).serialized(), seconds: 5)
            close(fd)
        }
    }
}
