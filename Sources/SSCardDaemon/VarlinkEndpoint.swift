import Foundation
import Registry
import SSCardInterfaces
import SSCardProtocol
import Varlink

/// The varlink socket and the handler behind it, as a daemon service.
///
/// `start` binds the socket (or adopts the one systemd passes), then starts
/// the I/O thread and the worker threads: from then on calls arrive, so it
/// comes after the store, the keeper and the readers. `stop` ends the Monitor
/// streams, stops accepting, waits for the calls in flight and closes every
/// connection (and the socket file this daemon bound).
final class VarlinkEndpoint: DaemonService {
    let name = "varlink server"
    private let configuration: Configuration
    private let configurationPath: String
    private let settings: StartSettings
    private let registryService: RegistryService
    private let readers: CardReaders
    private let log: Log
    private let checkpoints: AuditCheckpointService
    private let metrics: DaemonMetrics
    private var serving: (service: SSCardService, server: VarlinkServer)?
    /// Writes the refusal summaries of ended minutes (`RefusedAttempts`), on `summaryQueue`.
    private var summaries: DispatchSourceTimer?
    private let summaryQueue = DispatchQueue(label: "sscard.refusal-summaries")
    /// How often: a minute's summary reaches the trail at most this long after the minute.
    static let summaryInterval = 15

    init(configuration: Configuration, configurationPath: String, settings: StartSettings, registry: RegistryService,
         checkpoints: AuditCheckpointService, readers: CardReaders, metrics: DaemonMetrics, log: Log) {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.settings = settings
        registryService = registry
        self.checkpoints = checkpoints
        self.readers = readers
        self.metrics = metrics
        self.log = log
    }

    /// The handler; SIGHUP replaces its roles. Only between `start` and `stop`.
    var service: SSCardService? { serving?.service }

    func start() throws {
        let service = SSCardService(
            registryMethods: RegistryMethods(registry: registryService.registry, readers: readers,
                                             securityModule: settings.securityModule,
                                             auditCheckpoints: checkpoints.checkpoints,
                                             stateDirectory: configuration.stateDirectory),
            readerMethods: ReaderMethods(registry: registryService.registry, readers: readers, terminalNumber: configuration.terminalNumber,
                                         terminalDevice: configuration.terminalDevice, securityModule: settings.securityModule),
            roles: RoleResolver(configuration: configuration), servicePoint: configuration.servicePoint,
            metrics: metrics, log: log)
        let server = try VarlinkServer(
            configuration: try serverConfiguration(),
            info: VarlinkServiceInfo(vendor: "sscard", product: "sscardd", version: Version.current,
                                     url: "https://sscard.invalid/"),
            interfaces: InterfaceDescriptions.all.map { VarlinkInterface(name: $0.0, description: $0.1) },
            handler: service)
        server.start()
        serving = (service, server)
        let timer = DispatchSource.makeTimerSource(queue: summaryQueue)
        timer.schedule(deadline: .now() + .seconds(Self.summaryInterval), repeating: .seconds(Self.summaryInterval),
                       leeway: .seconds(1))
        let attempts = service.registryMethods.refusedAttempts
        timer.setEventHandler { attempts.writeEnded() }
        timer.resume()
        summaries = timer
        // The address clients use: under socket activation, the socket systemd
        // passed, wherever its unit put it, not `socket-path`.
        log.notice("listening on \(server.socketAddress)\(server.isSocketInherited ? " (socket activation)" : "")")
    }

    func stop() {
        guard let (service, server) = serving else { return }
        serving = nil
        summaries?.cancel()
        summaries = nil
        summaryQueue.sync {}  // a write already running ends before the last counts are taken
        service.streams.endAll(.fields([.action: "stopping", .actor: "system"]))
        server.stop()
        // No call runs any more: what is counted of refused calls is written
        // while the store is still open (it stops after this service).
        service.registryMethods.refusedAttempts.flush()
    }

    func serverConfiguration() throws -> VarlinkServer.Configuration {
        var server = VarlinkServer.Configuration(socketPath: configuration.socketPath)
        server.socketMode = 0o660
        server.socketGroup = settings.socketGroupID
        // This process's descriptor limit (the unit's LimitNOFILE=), so it is
        // checked here, in the process that serves, not by --check-config.
        try DescriptorBudget.check(maxConnections: configuration.maxConnections, configurationPath: configurationPath)
        server.maxConnections = configuration.maxConnections
        server.maxConnectionsPerUID = configuration.maxConnectionsPerUID
        server.idleTimeout = configuration.idleTimeoutSeconds == 0 ? nil : .seconds(configuration.idleTimeoutSeconds)
        server.maxMessageBytes = configuration.maxMessageBytes
        server.workerThreads = configuration.workerThreads
        return server
    }
}
