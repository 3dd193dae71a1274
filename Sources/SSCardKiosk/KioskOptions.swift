/// sscard-kiosk's command line.
public struct KioskOptions: Equatable, Sendable {
    public var socketPath = "/run/sscard/sscard.sock"
    public var reader: String?
    public var idleTimeoutSeconds = 60.0
    public var language: Language = .zh
    public var help = false

    public static let usage = """
        usage: sscard-kiosk [--socket PATH] [--reader NAME] [--idle-timeout SECONDS] [--lang zh|en]
          --socket PATH            sscardd's socket (default $SSCARD_SOCKET or /run/sscard/sscard.sock)
          --reader NAME            the kiosk's reader (default: a card in any reader)
          --idle-timeout SECONDS   back to the welcome screen after this long without input (default 60)
          --lang zh|en             the starting language (default zh; * or L toggles)
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
            if word == "help" {
                help = true
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
                guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
                    throw KioskUsageError("--idle-timeout must be a number of seconds from 0 to 86400")
                }
                idleTimeoutSeconds = seconds
            case "lang":
                guard let language = Language(rawValue: value) else { throw KioskUsageError("--lang must be zh or en") }
                self.language = language
            default:
                throw KioskUsageError("unknown option --\(name)")
            }
        }
    }
}

public struct KioskUsageError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
