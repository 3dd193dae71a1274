import Foundation
import Registry

/// The registry's store, opened first and closed last: every other service
/// reads or writes through it.
///
/// SQLite: the file is opened, migrated and checked in `start`, and its
/// writer and pooled readers live until `stop` closes them. PostgreSQL: the
/// pool is made in `start` and may reach the server later
/// (`RegistryEngine.openStore`).
final class RegistryService: DaemonService {
    let name = "registry store"
    private let configuration: Configuration
    /// The key of the audit chain's HMACs, if the daemon has one (`AuditKeyFile`).
    private let auditKey: AuditKey?
    private let log: Log
    private var opened: (store: any RegistryStore, registry: Registry)?

    init(configuration: Configuration, auditKey: AuditKey?, log: Log) {
        self.configuration = configuration
        self.auditKey = auditKey
        self.log = log
    }

    /// The open store; only between `start` and `stop`.
    var store: any RegistryStore {
        guard let opened else { preconditionFailure("the registry store is used before it started") }
        return opened.store
    }

    /// The registry over the open store; only between `start` and `stop`.
    var registry: Registry {
        guard let opened else { preconditionFailure("the registry is used before its store started") }
        return opened.registry
    }

    func start() throws {
        try StateDirectory.check(configuration.stateDirectory)
        let store = try configuration.registryEngine.openStore(configuration, log: log, auditKey: auditKey)
        let registry = Registry(store: store, policy: configuration.policy,
                                servicePoint: configuration.servicePoint)
        opened = (store, registry)
        log.info("registry at \(configuration.registryLocation)")
        if let sqlite = store as? SQLiteRegistryStore, let cache = sqlite.statusCache {
            // The cache loads in the background; say when it is complete, for
            // operators and for benchmarks that measure the steady state.
            // (`close` stops the warm-up, so this thread never outlives the store.)
            let started = ContinuousClock.now
            let log = self.log
            Thread.detachNewThread {
                sqlite.waitForStatusCacheWarmUp()
                log.notice("status cache holds \(cache.count) cards (loaded in \(ContinuousClock.now - started))")
            }
        }
    }

    func stop() throws {
        guard let opened else { return }
        self.opened = nil
        try opened.store.close()
    }
}
