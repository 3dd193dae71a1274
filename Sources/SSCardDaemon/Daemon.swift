import Foundation
import SocialSecurityCard
import Varlink

/// sscardd: the registry, the readers and the varlink socket, started in
/// order and stopped in reverse (docs/internals.md).
///
/// Start: resolve what the configuration names (key file, socket group,
/// reader choice), then start the services in order — the registry store
/// (migrations, integrity check), the deadline keeper (which first releases
/// losses that fell due while down), the change feed, the reader monitor, the
/// metrics file, the varlink server, the watchdog — and report READY=1. A service that fails
/// to start stops those before it, last first, so nothing keeps running
/// behind a closed store. SIGTERM: stop them in reverse (the server finishes
/// the calls in flight first). SIGHUP: reload the settings that can change
/// while running.
public final class Daemon: Sendable {
    private let configurationPath: String
    private let explicitConfiguration: Bool
    private let configuration: Configuration
    private let log: Log
    private let notify = SystemdNotify()
    private let stopped = DispatchSemaphore(value: 0)
    private let signals = DaemonSignals()

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

    /// Checks what the start checks before it opens anything, without
    /// connecting to a database: `sscardd --check-config`.
    /// Returns what it resolved, one line each, for the operator: where
    /// the issuer keys come from (never a key) and the registry (masked).
    @discardableResult
    public static func checkConfiguration(_ configuration: Configuration, path: String) throws -> [String] {
        let settings = try StartSettings(configuration, configurationPath: path)
        var lines = ["registry: \(configuration.registryLocation)"]
        if let keys = configuration.securityModuleKeys, let module = settings.securityModule as? SoftwareSecurityModule {
            let names = module.loadedKeys.map(\.description).joined(separator: ", ")
            lines.append("issuer keys: \(keys) (\(module.loadedKeys.count): \(names))")
        } else {
            lines.append("issuer keys: none (PIN reset, unblock and application block are unavailable)")
        }
        if let metricsFile = configuration.metricsFile {
            // Checked here, not at start: a textfile directory that went away
            // must not keep a service point's card service from starting.
            if let problem = MetricsFile.problem(with: metricsFile) {
                throw ConfigurationError(path: path, line: nil, message: problem)
            }
            lines.append("metrics file: \(metricsFile) every \(configuration.metricsIntervalSeconds) s")
        }
        return lines
    }

    /// Runs until SIGTERM or SIGINT. Throws only for start-up failures (after
    /// stopping whatever had started), with a message fit for the journal, or
    /// when the store fails to close at the end.
    public func run() throws {
        Self.blockSignals()
        let settings = try StartSettings(configuration, configurationPath: configurationPath)
        let registry = RegistryService(configuration: configuration, auditKey: settings.auditKey?.key, log: log)
        let checkpoints = AuditCheckpointService(registry: registry, configuration: configuration,
                                                 keyPath: settings.auditKey?.path, log: log)
        let readers = CardReaders(choice: settings.readerChoice, slots: configuration.slotAssignments,
                                  cardOperationTimeout: .seconds(configuration.cardOperationTimeoutSeconds), log: log)
        let metrics = DaemonMetrics(servicePoint: configuration.servicePoint)
        let endpoint = VarlinkEndpoint(configuration: configuration, configurationPath: configurationPath,
                                       settings: settings, registry: registry, checkpoints: checkpoints,
                                       readers: readers, metrics: metrics, log: log)
        let services = ServiceGroup([
            registry,
            checkpoints,
            LossKeeperService(registry: registry, shared: configuration.registryEngine == .postgresql, metrics: metrics,
                              log: log),
            ChangeFeedService(registry: registry, configuration: configuration, log: log),
            readers,
            // Stops after the server, so its last file counts the calls the server finished.
            MetricsFileService(configuration: configuration, metrics: metrics, registry: registry, readers: readers,
                               log: log),
            endpoint,
            Watchdog(notify: notify),
        ], record: { [log] event in Self.log(event, log) })
        try services.start()
        guard let service = endpoint.service else { preconditionFailure("the varlink server started without its handler") }

        // Signals pending since `blockSignals` (one sent the instant
        // "listening on" was out) are taken now.
        signals.start { [self] received in
            switch received {
            case .reload: reload(service: service)
            case .stop: stopped.signal()
            }
        }
        _ = try? notify.ready()
        _ = try? notify.status("serving \(configuration.servicePoint)")

        stopped.wait()
        _ = try? notify.stopping()
        log.notice("stopping: finishing calls in flight")
        try services.stop()
        log.notice("stopped")
    }

    /// The service group's starts and stops, for the journal.
    static func log(_ event: ServiceGroup.Event, _ log: Log) {
        switch event {
        case let .started(name): log.debug("started \(name)")
        case let .startFailed(name): log.error("\(name) failed to start; stopping what started before it")
        case let .stopped(name): log.info("stopped \(name)")
        case let .stopFailed(name, reason): log.error("\(name) failed to stop: \(reason)")
        }
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
            restartNeeded.remoteGroup = configuration.remoteGroup
            restartNeeded.kioskReaders = configuration.kioskReaders
            if restartNeeded != configuration {
                log.warning("configuration reloaded; changes other than log-level and role groups take effect at restart")
            } else {
                log.notice("configuration reloaded")
            }
        } catch {
            log.error("reload refused, keeping the running configuration: \(error)")
        }
    }
}

/// sscard's version, reported by GetInfo and --version.
public enum Version {
    public static let current = "0.1.0"
}
