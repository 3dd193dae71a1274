import Foundation
import PCSC
import Registry
import RegistryPostgreSQL
import SocialSecurityCard
import SSCardProtocol
import Varlink

/// sscardd: the registry, the readers and the varlink socket, started in
/// order and stopped in reverse.
///
/// Start: open the registry (migrations, integrity check), release losses that
/// fell due while down, start the deadline keeper and the reader monitor, then
/// serve; READY=1 once the socket accepts. SIGTERM: stop accepting, finish the
/// calls in flight, stop the keeper and readers, close the store. SIGHUP:
/// reload the settings that can change while running.
public final class Daemon: @unchecked Sendable {
    private let configurationPath: String
    private let explicitConfiguration: Bool
    private var configuration: Configuration
    private let log: Log
    private let notify = SystemdNotify()
    private let stopped = DispatchSemaphore(value: 0)
    private let signals = DaemonSignals()
    private var watchdog: DispatchSourceTimer?

    public init(configurationPath: String, explicit: Bool, configuration: Configuration, log: Log) {
        self.configurationPath = configurationPath
        self.explicitConfiguration = explicit
        self.configuration = configuration
        self.log = log
    }

    /// Blocks SIGTERM, SIGINT and SIGHUP so that none is lost or kills the
    /// process before `run` takes them. Call it first thing in `main`, before
    /// anything starts a thread (threads inherit the mask).
    public static func blockSignals() {
        DaemonSignals.block()
    }

    /// Runs until SIGTERM or SIGINT. Throws only for start-up failures, with
    /// a message fit for the journal.
    public func run() throws {
        Self.blockSignals()
        let configuration = self.configuration
        try StateDirectory.check(configuration.stateDirectory)
        let auditKey = try AuditKeyFile.load(configuration)
        let store = try configuration.registryEngine.openStore(configuration, log: log, auditKey: auditKey?.key)
        let registry = Registry(store: store, policy: Policy(temporaryLossDays: configuration.temporaryLossDays),
                                servicePoint: configuration.servicePoint)
        let auditCheckpoints = try AuditCheckpoints.start(registry: registry, configuration: configuration,
                                                          keyPath: auditKey?.path, log: log)
        let shared = configuration.registryEngine == .postgresql
        let keeperFailures = KeeperFailureLog(log: log)
        let keeper = TemporaryLossKeeper(
            registry: registry,
            onRelease: { [log] count in log.notice("released \(count) expired temporary loss(es)") },
            onError: { [log] error in
                if shared { keeperFailures.report(error) } else { log.error("auto-release failed, will retry: \(error)") }
            })
        try keeper.start(whenReachable: shared)
        // A shared registry: Monitor subscribers here also see what other daemons
        // change, unless the feed is off (its LISTEN needs a session of its own).
        let postgresqlStore = store as? PostgreSQLRegistryStore
        if postgresqlStore != nil && configuration.changeFeed == .off {
            log.notice("change feed off: Monitor subscribers see only this daemon's own changes")
        }
        let feed = configuration.changeFeed == .off ? nil : postgresqlStore.map { store in
            RegistryChangeFeed(store: store, registry: registry, catchUpLimit: configuration.changeFeedCatchUpLimit,
                               onReport: { [log] report in Self.logFeed(report, log) })
        }
        feed?.start()
        log.info("registry at \(configuration.registryLocation)")
        if let sqlite = store as? SQLiteRegistryStore, let cache = sqlite.statusCache {
            // The cache loads in the background; say when it is complete, for
            // operators and for benchmarks that measure the steady state.
            let started = ContinuousClock.now
            Thread.detachNewThread { [log] in
                sqlite.waitForStatusCacheWarmUp()
                log.notice("status cache holds \(cache.count) cards (loaded in \(ContinuousClock.now - started))")
            }
        }

        let readers = CardReaders(choice: ReaderChoice(iType: configuration.readerType) ?? .contactFirst, log: log)
        readers.start()
        let securityModule = try configuration.securityModuleKeys.map { path -> any SecurityModule & Sendable in
            do { return try SoftwareSecurityModule(contentsOfFile: path) } catch {
                throw ConfigurationError(path: path, line: nil, message: "security module keys: \(error)")
            }
        }

        let service = SSCardService(
            registryMethods: RegistryMethods(registry: registry, readers: readers, securityModule: securityModule,
                                             auditCheckpoints: auditCheckpoints),
            readerMethods: ReaderMethods(readers: readers, terminalNumber: configuration.terminalNumber,
                                         terminalDevice: configuration.terminalDevice),
            roles: RoleResolver(configuration: configuration), servicePoint: configuration.servicePoint, log: log)
        let server = try VarlinkServer(
            configuration: serverConfiguration(configuration),
            info: VarlinkServiceInfo(vendor: "sscard", product: "sscardd", version: Version.current,
                                     url: "https://sscard.invalid/"),
            interfaces: InterfaceDescriptions.all.map { VarlinkInterface(name: $0.0, description: $0.1) },
            handler: service)
        // Before "listening on": a signal sent once that line is out is taken
        // (and one sent earlier has stayed pending until now).
        signals.start { [self] received in
            switch received {
            case .reload: reload(service: service)
            case .stop: stopped.signal()
            }
        }
        server.start()
        log.notice("listening on \(configuration.socketPath)\(server.isSocketInherited ? " (socket activation)" : "")")

        startWatchdog()
        _ = try? notify.ready()
        _ = try? notify.status("serving \(configuration.servicePoint)")

        stopped.wait()
        _ = try? notify.stopping()
        log.notice("stopping: finishing calls in flight")
        service.streams.endAll(["action": "stopping", "actor": "system"])
        server.stop()
        server.waitUntilStopped()
        keeper.stop()
        feed?.stop()
        readers.stop()
        auditCheckpoints.stop()
        try store.close()
        log.notice("stopped")
    }

    /// The change feed's catch-ups and gaps, for the journal (the log masks
    /// any social security number an error might carry).
    static func logFeed(_ report: RegistryChangeFeed.Report, _ log: Log) {
        switch report {
        case let .caughtUp(replayed):
            log.notice("change feed reconnected: \(replayed) change(s) other daemons made meanwhile shown to monitors late")
        case let .gap(reason, detail):
            log.warning("change feed gap, monitors told to re-read: \(reason)\(detail.map { " (\($0))" } ?? "")")
        }
    }

    func serverConfiguration(_ configuration: Configuration) throws -> VarlinkServer.Configuration {
        var server = VarlinkServer.Configuration(socketPath: configuration.socketPath)
        server.socketMode = 0o660
        if let name = configuration.socketGroup {
            guard let gid = RoleResolver.groupID(named: name) else {
                throw ConfigurationError(path: configurationPath, line: nil, message: "socket-group '\(name)' does not exist")
            }
            server.socketGroup = gid
        }
        try DescriptorBudget.check(maxConnections: configuration.maxConnections, configurationPath: configurationPath)
        server.maxConnections = configuration.maxConnections
        server.maxConnectionsPerUID = configuration.maxConnectionsPerUID
        server.idleTimeout = configuration.idleTimeoutSeconds == 0 ? nil : .seconds(configuration.idleTimeoutSeconds)
        server.maxMessageBytes = configuration.maxMessageBytes
        server.workerThreads = configuration.workerThreads
        return server
    }

    /// Re-reads the configuration file; applies the log level and role groups,
    /// and says which other changes need a restart.
    private func reload(service: SSCardService) {
        _ = try? notify.notify("RELOADING=1")
        defer { _ = try? notify.ready() }
        do {
            let fresh = try Configuration.load(path: configurationPath, explicit: explicitConfiguration)
            log.level = fresh.logLevel
            service.roles = RoleResolver(configuration: fresh)
            var restartNeeded = fresh
            restartNeeded.logLevel = configuration.logLevel
            restartNeeded.adminGroup = configuration.adminGroup
            restartNeeded.operatorGroup = configuration.operatorGroup
            restartNeeded.kioskGroup = configuration.kioskGroup
            if restartNeeded != configuration {
                log.warning("configuration reloaded; changes other than log-level and role groups take effect at restart")
            } else {
                log.notice("configuration reloaded")
            }
        } catch {
            log.error("reload refused, keeping the running configuration: \(error)")
        }
    }

    /// WATCHDOG=1 at half the interval systemd asked for (`watchdogInterval`
    /// is already that half).
    private func startWatchdog() {
        guard let interval = notify.watchdogInterval else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let period = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        timer.schedule(deadline: .now() + period, repeating: period)
        timer.setEventHandler { [notify] in _ = try? notify.watchdog() }
        timer.resume()
        watchdog = timer
    }
}

/// sscard's version, reported by GetInfo and --version.
public enum Version {
    public static let current = "0.1.0"
}
