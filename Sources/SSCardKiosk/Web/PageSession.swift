import Foundation
import SSCardValues

/// Who may drive the page: the browser that opened the start page.
///
/// Each start makes a random 32-byte secret and writes it, inside a start
/// page, to a file only the kiosk's browser can read; the secret is never on
/// a command line. `/start?secret=…` with it sets a session cookie, and every
/// other request needs that cookie. A new `/start` replaces the session, so
/// one browser drives the kiosk at a time.
final class PageSession: @unchecked Sendable {
    static let cookieName = "sscard-kiosk"
    let secret: String
    private var session: String?
    private let lock = NSLock()

    init(secret: String = PageSession.randomHex()) {
        self.secret = secret
    }

    /// A new session for the right secret; nil otherwise.
    func start(secret given: String?) -> String? {
        guard let given, Self.equal(given, secret) else { return nil }
        let token = Self.randomHex()
        lock.withLock { session = token }
        return token
    }

    func admits(_ request: HTTPRequest) -> Bool {
        guard let token = request.cookie(Self.cookieName) else { return false }
        return lock.withLock { session.map { Self.equal(token, $0) } ?? false }
    }

    /// The start page: straight on to /start with the secret.
    func startPage(port: UInt16) -> String {
        let target = "http://127.0.0.1:\(port)/start?secret=\(secret)"
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
            <meta http-equiv="refresh" content="0; url=\(target)"><title>sscard-kiosk</title></head>
            <body></body></html>

            """
    }

    /// /start's answer with the cookie: on to the page (no script: the CSP allows none inline).
    static let onward = Array("""
        <!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/">\
        <title>sscard-kiosk</title></head><body></body></html>

        """.utf8)

    /// Writes the start page atomically (a temporary file renamed over it),
    /// mode 0640: the kiosk's browser reads it through the group.
    func writeStartPage(to path: String, port: UInt16) throws(PageSessionError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty { _ = mkdir(directory, 0o750) }
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard descriptor >= 0 else { throw .cannotWrite(path, errno) }
        _ = fchmod(descriptor, 0o640)
        var bytes = Array(startPage(port: port).utf8)
        let written = write(descriptor, &bytes, bytes.count)
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw .cannotWrite(path, error)
        }
    }

    static func randomHex(bytes count: Int = 32) -> String {
        // SystemRandomNumberGenerator is getrandom(2) on Linux: a CSPRNG.
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }).lowercased()
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

public enum PageSessionError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(String, Int32)

    public var description: String {
        switch self {
        case let .cannotWrite(path, code): return "cannot write the start page \(path): \(String(cString: strerror(code)))"
        }
    }
}
