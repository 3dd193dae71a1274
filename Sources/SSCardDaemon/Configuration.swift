import Foundation
import PCSC
import PostgreSQLStore
import Registry

/// sscardd's settings, read from a file of `key = value` lines (sscardd.conf(5)).
///
/// Every key has a default, so an empty file (or none at the default path) is
/// a working configuration. An unknown key or a bad value stops the daemon at
/// start with an error that names the file and line: a typo must not silently
/// fall back to a default in a service that decides who may cancel a card.
public struct Configuration: Equatable, Sendable {
    public static let defaultPath = "/etc/sscard/sscardd.conf"

    /// Where the registry file lives; systemd's StateDirectory= sets $STATE_DIRECTORY.
    public var stateDirectory: String
    public var socketPath = "/run/sscard/sscard.sock"
    /// The group that owns the socket file (mode 0660); nil leaves the process's group.
    public var socketGroup: String? = "sscard"
    public var servicePoint = "default"
    public var adminGroup = "sscard-admin"
    public var operatorGroup = "sscard-operator"
    public var kioskGroup = "sscard-kiosk"
    /// Members are a 12333 / app / website integration: the remote channel.
    public var remoteGroup = "sscard-remote"
    /// Each kiosk's readers (`kiosk-readers.NAME = Reader | Reader`): NAME is
    /// a user name or uid, or `@` and a group name or gid. Empty: kiosks are
    /// not bound, and every kiosk may use every reader.
    public var kioskReaders: [String: [String]] = [:]
    /// `reader-slots.KIND = name | name`: the kind of slots whose names say
    /// nothing (a multi-slot reader's "… 00 01"); overrides the name.
    public var readerSlots: [String: ReaderKind] = [:]
    public var temporaryLossDays = 7
    /// Regional policy (Configuration+Policy.swift; docs/configuration.md names each default's source).
    public var guardianAge = 18
    public var pinChangeChannels: [Actor.Channel] = [.counter, .kiosk]
    public var pinResetChannels: [Actor.Channel] = [.counter]
    public var replacementFeeFen = 1800
    public var mobileProductionDays = 15
    public var mobileProductionDaysLimit = 30
    /// The file of holidays and adjusted working days; nil: weekdays only.
    public var workingDaysFile: String?
    /// What `workingDaysFile` says, read when the key is set.
    public var workingCalendar = WorkingCalendar()
    public var maxConnections = 1024
    /// Connections one uid may hold at once (root is not held to it).
    public var maxConnectionsPerUID = 64
    /// Seconds after which a connection with nothing in flight is closed; 0: never.
    public var idleTimeoutSeconds = 300
    public var maxMessageBytes = 65_536
    public var workerThreads = 16
    public var integrityCheck: IntegrityCheck = .bounded
    /// A file holding the audit key, for development and tests; in production
    /// the key is the systemd credential `audit-key` (docs/lifecycle.md).
    public var auditKeyFile: String?
    /// Seconds between checkpoints of the audit chain's head to the head file and the journal.
    public var auditCheckpointSeconds = 60
    /// Card statuses kept in memory (0: none); about 140 bytes each.
    public var statusCacheCards = 1_000_000
    /// Issuer keys for the software security module; nil disables MAC'd card commands.
    public var securityModuleKeys: String?
    /// The national interface's iType: 1 contact, 2 contactless, 3 contact first, 4 contactless first.
    public var readerType = 3
    /// Seconds a call waits for one card operation; past it the caller gets
    /// ReaderUnresponsive and calls on that reader fail fast until it answers again.
    public var cardOperationTimeoutSeconds = 15
    /// Terminal number and device number reported in iReadCardBas strings.
    public var terminalNumber = ""
    public var terminalDevice = ""
    public var logLevel: LogLevel = .info
    /// The registry's engine; `postgresql` needs `postgresqlConninfo`.
    public var registryEngine: RegistryEngine = .sqlite
    /// The shared registry's database; shown only masked (`registryLocation`).
    public var postgresqlConninfo: PGConninfo?
    /// The owner role's connection, used only to apply migrations at start;
    /// the daemon then works as `postgresqlConninfo`'s runtime role, which
    /// cannot alter or disable the audit triggers (docs/scale.md).
    public var postgresqlOwnerConninfo: PGConninfo?
    /// How the daemon's database sessions are pooled on the way to the server:
    /// `transaction` behind PgBouncer's transaction mode (no prepared statements,
    /// needs `change-feed = off`).
    public var postgresqlPooling: PostgreSQLPooling = .session
    /// Whether Monitor subscribers also see other daemons' changes (PostgreSQL only;
    /// `off` for PgBouncer in transaction mode, where LISTEN has no session).
    public var changeFeed: ChangeFeed = .on
    /// At most this many entries other daemons wrote while the feed's session
    /// was lost are read back and shown; more, and subscribers get a gap event.
    public var changeFeedCatchUpLimit = 10_000
    /// The OpenMetrics/Prometheus text file for node_exporter's textfile
    /// collector (`*.prom`); nil: no metrics file (docs/operations.md, "Metrics").
    public var metricsFile: String?
    /// Seconds between rewrites of `metricsFile`.
    public var metricsIntervalSeconds = 15

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        // StateDirectory= may list several paths separated by colons; the first is ours.
        stateDirectory = environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? "/var/lib/sscard"
    }

    public var registryPath: String { (stateDirectory as NSString).appendingPathComponent("registry.sqlite") }

    /// Reads `path`. A missing file at the default path means all defaults; a
    /// missing file named explicitly is an error.
    public static func load(path: String, explicit: Bool,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Configuration {
        var configuration = Configuration(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit { throw ConfigurationError(path: path, line: nil, message: "no such file") }
            try? configuration.applyCredentials(environment)
            return configuration
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(path: path, line: nil, message: "cannot be read as UTF-8 text")
        }
        try configuration.apply(text, path: path)
        do {
            try configuration.applyCredentials(environment)
        } catch {
            throw ConfigurationError(path: path, line: nil, message: "postgresql-conninfo with the pgpass credential: \(error)")
        }
        return configuration
    }

    /// Applies the lines of a configuration file on top of the current values.
    public mutating func apply(_ text: String, path: String) throws {
        var seen: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(path: path, line: number, message: "expected 'key = value'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let first = seen[key] {
                throw ConfigurationError(path: path, line: number, message: "'\(key)' was already set on line \(first)")
            }
            seen[key] = number
            do {
                try set(key, value)
            } catch let message as ConfigurationError.Message {
                throw ConfigurationError(path: path, line: number, message: message.text)
            }
        }
        try checkRegistryKeys(path: path, lines: seen)
        try checkPolicyKeys(path: path, lines: seen)
    }

    private mutating func set(_ key: String, _ value: String) throws {
        typealias Message = ConfigurationError.Message
        func integer(_ range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value), range.contains(number) else {
                throw Message("'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        func text(allowEmpty: Bool = false) throws -> String {
            guard allowEmpty || !value.isEmpty else { throw Message("'\(key)' must not be empty") }
            return value
        }
        func absolutePath() throws -> String {
            guard value.hasPrefix("/") else { throw Message("'\(key)' must be an absolute path") }
            return value
        }
        switch key {
        case "state-directory": stateDirectory = try absolutePath()
        case "socket-path": socketPath = try absolutePath()
        case "socket-group": socketGroup = value.isEmpty ? nil : value
        case "service-point": servicePoint = try text()
        case "admin-group": adminGroup = try text()
        case "operator-group": operatorGroup = try text()
        case "kiosk-group": kioskGroup = try text()
        case "remote-group": remoteGroup = try text()
        case "temporary-loss-days": temporaryLossDays = try integer(1...365)
        case "guardian-age": guardianAge = try integer(1...30)
        case "pin-change-channels": pinChangeChannels = try Self.channels(value, key: key, allowed: [.counter, .kiosk])
        case "pin-reset-channels": pinResetChannels = try Self.channels(value, key: key, allowed: [.counter])
        case "replacement-fee-fen": replacementFeeFen = try integer(0...100_000)
        case "mobile-production-days": mobileProductionDays = try integer(1...365)
        case "mobile-production-days-limit": mobileProductionDaysLimit = try integer(1...365)
        case "working-days-file":
            workingDaysFile = value.isEmpty ? nil : try absolutePath()
            workingCalendar = try Self.workingCalendar(workingDaysFile)
        case "max-connections": maxConnections = try integer(1...65_536)
        case "max-connections-per-uid": maxConnectionsPerUID = try integer(1...65_536)
        case "idle-timeout": idleTimeoutSeconds = try integer(0...86_400)
        case "max-message-bytes": maxMessageBytes = try integer(1024...16_777_216)
        case "worker-threads": workerThreads = try integer(1...256)
        case "integrity-check":
            guard let level = IntegrityCheck(rawValue: value) else { throw Message("'\(key)' must be bounded or full") }
            integrityCheck = level
        case "audit-key-file": auditKeyFile = value.isEmpty ? nil : try absolutePath()
        case "audit-checkpoint-interval": auditCheckpointSeconds = try integer(1...86_400)
        case "status-cache-cards": statusCacheCards = try integer(0...100_000_000)
        case "security-module-keys": securityModuleKeys = value.isEmpty ? nil : try absolutePath()
        case "reader-type": readerType = try integer(1...4)
        case "card-operation-timeout": cardOperationTimeoutSeconds = try integer(1...600)
        case "terminal-number": terminalNumber = try text(allowEmpty: true)
        case "terminal-device": terminalDevice = try text(allowEmpty: true)
        case "registry-engine": registryEngine = try Self.registryEngine(value)
        case "postgresql-conninfo": postgresqlConninfo = try Self.conninfo(value)
        case "postgresql-owner-conninfo": postgresqlOwnerConninfo = try Self.conninfo(value, key: key)
        case "postgresql-pooling":
            guard let pooling = PostgreSQLPooling(rawValue: value) else {
                throw Message("'\(key)' must be session or transaction")
            }
            postgresqlPooling = pooling
        case "change-feed":
            guard let setting = ChangeFeed(rawValue: value) else { throw Message("'\(key)' must be on or off") }
            changeFeed = setting
        case "change-feed-catch-up-limit": changeFeedCatchUpLimit = try integer(0...1_000_000)
        case "metrics-file":
            metricsFile = value.isEmpty ? nil : try absolutePath()
            if let path = metricsFile, !path.hasSuffix(".prom") {
                throw Message("'\(key)' must end in .prom: node_exporter's textfile collector reads no other file")
            }
        case "metrics-interval": metricsIntervalSeconds = try integer(1...3600)
        case "log-level":
            guard let level = LogLevel(name: value) else {
                throw Message("'\(key)' must be one of \(LogLevel.allCases.map(\.name).joined(separator: ", "))")
            }
            logLevel = level
        case _ where key.hasPrefix(Self.readerSlotsPrefix):
            for (reader, kind) in try Self.readerSlots(key: key, value: value) { readerSlots[reader] = kind }
        case _ where key.hasPrefix(Self.kioskReadersPrefix):
            let (kiosk, readers) = try Self.kioskReaders(key: key, value: value)
            kioskReaders[kiosk] = readers
        default:
            throw Message("unknown key '\(key)'")
        }
    }
}

/// A configuration problem, naming the file and line.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }

    struct Message: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}
