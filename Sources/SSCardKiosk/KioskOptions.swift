/// sscard-kiosk's command line.
public struct KioskOptions: Equatable, Sendable {
    public var socketPath = "/run/sscard/sscard.sock"
    public var reader: String?
    public var limits = IdleLimits()
    public var language: Language = .zh
    public var help = false
    /// --web: serve the touch-screen page instead of drawing on the terminal.
    public var web = false
    public var listenPort: UInt16 = 8181
    /// Where the page's start file (with the per-start secret) goes; nil:
    /// $RUNTIME_DIRECTORY/start.html, else /run/sscard-kiosk/start.html.
    public var startPage: String?
    /// The speech synthesiser; prompts are not spoken if it is missing.
    public var speechCommand = "/usr/bin/espeak-ng"

    /// The reading-screen limit, as --idle-timeout sets it.
    public var idleTimeoutSeconds: Double { limits.reading }

    public static let usage = """
        usage: sscard-kiosk [--socket PATH] [--reader NAME] [--idle-timeout SECONDS] [--pin-timeout SECONDS]
                            [--idle-warning SECONDS] [--lang zh|en]
                            [--web [--listen 127.0.0.1:PORT] [--start-page PATH] [--speech-command PATH]]
          --socket PATH            sscardd's socket (default $SSCARD_SOCKET or /run/sscard/sscard.sock)
          --reader NAME            the kiosk's reader (default: a card in any reader)
          --idle-timeout SECONDS   reading and menu screens: back to welcome after this long without input (default 30)
          --pin-timeout SECONDS    the PIN screens' limit (default 60)
          --idle-warning SECONDS   the countdown with "more time" before a limit (default 10)
          --lang zh|en             the starting language (default zh; * or L toggles)
          --web                    serve the touch-screen page on loopback for a kiosk browser (docs/kiosk.md)
          --listen 127.0.0.1:PORT  the page's address (default 127.0.0.1:8181; loopback only)
          --start-page PATH        the start file with the per-start secret (default $RUNTIME_DIRECTORY/start.html
                                   or /run/sscard-kiosk/start.html)
          --speech-command PATH    espeak-ng for the spoken prompts (default /usr/bin/espeak-ng)
        """

    public init() {}

    public init(_ words: [String], environment: [String: String]) throws(KioskUsageError) {
        if let socket = environment["SSCARD_SOCKET"], !socket.isEmpty { socketPath = socket }
        var index = 0
        while index < words.count {
            var word = words[index]
            index += 1
            guard word.hasPrefix("--") else { throw KioskUsageError("unexpected argument '\(word)'") }
            word.removeFirst(2)
            if word == "help" || word == "web" {
                if word == "help" { help = true } else { web = true }
                continue
            }
            let name: String
            let value: String
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            } else {
                guard index < words.count else { throw KioskUsageError("--\(word) needs a value") }
                name = word
                value = words[index]
                index += 1
            }
            switch name {
            case "socket":
                guard !value.isEmpty else { throw KioskUsageError("--socket needs a path") }
                socketPath = value
            case "reader":
                reader = value.isEmpty ? nil : value
            case "idle-timeout":
                limits.reading = try Self.seconds(value, "idle-timeout")
            case "pin-timeout":
                limits.pinEntry = try Self.seconds(value, "pin-timeout")
            case "idle-warning":
                limits.warning = try Self.seconds(value, "idle-warning")
            case "listen":
                // Loopback only: the page drives a kiosk, and nothing off the machine may.
                guard value.hasPrefix("127.0.0.1:"), let port = UInt16(value.dropFirst(10)), port > 0 else {
                    throw KioskUsageError("--listen must be 127.0.0.1:PORT")
                }
                listenPort = port
            case "start-page":
                guard value.hasPrefix("/") else { throw KioskUsageError("--start-page needs an absolute path") }
                startPage = value
            case "speech-command":
                guard !value.isEmpty else { throw KioskUsageError("--speech-command needs a path") }
                speechCommand = value
            case "lang":
                guard let language = Language(rawValue: value) else { throw KioskUsageError("--lang must be zh or en") }
                self.language = language
            default:
                throw KioskUsageError("unknown option --\(name)")
            }
        }
    }
}

extension KioskOptions {
    static func seconds(_ value: String, _ name: String) throws(KioskUsageError) -> Double {
        guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
            throw KioskUsageError("--\(name) must be a number of seconds from 0 to 86400")
        }
        return seconds
    }

    /// The start page's path: --start-page, else in systemd's RuntimeDirectory.
    public func startPagePath(environment: [String: String]) -> String {
        if let startPage { return startPage }
        if let runtime = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first, !runtime.isEmpty {
            return "\(runtime)/start.html"
        }
        return "/run/sscard-kiosk/start.html"
    }
}

public struct KioskUsageError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
