import Registry

/// The deadline keeper as a daemon service: at start it releases the
/// temporary losses that fell due while the daemon was down, then its thread
/// (`sscard.loss-keeper`) releases each one as its deadline passes, until
/// `stop` waits it out of its loop.
final class LossKeeperService: DaemonService {
    let name = "loss keeper"
    private let registryService: RegistryService
    private let shared: Bool
    private let metrics: DaemonMetrics?
    private let log: Log
    private var keeper: TemporaryLossKeeper?

    /// `shared`: the registry is PostgreSQL, which may be unreachable at
    /// start; the first release is then retried by the thread instead of
    /// failing the start, and repeated failures are logged once each.
    init(registry: RegistryService, shared: Bool, metrics: DaemonMetrics? = nil, log: Log) {
        registryService = registry
        self.shared = shared
        self.metrics = metrics
        self.log = log
    }

    func start() throws {
        let failures = KeeperFailureLog(log: log)
        let shared = self.shared
        let keeper = TemporaryLossKeeper(
            registry: registryService.registry,
            onRelease: { [log, metrics] count in
                metrics?.autoReleased(count)
                log.notice("released \(count) expired temporary loss(es)")
            },
            onError: { [log] error in
                if shared { failures.report(error) } else { log.error("auto-release failed, will retry: \(error)") }
            })
        try keeper.start(whenReachable: shared)
        self.keeper = keeper
    }

    func stop() {
        keeper?.stop()
        keeper = nil
    }
}
