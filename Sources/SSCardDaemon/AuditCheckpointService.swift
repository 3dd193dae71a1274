import Foundation
import Registry

/// The audit chain's head checkpoints as a service of the daemon: started
/// right after the store (it checks the chain against the head file before
/// anyone can call), stopped right before it (the last head is written at
/// stop, while the store is still open).
final class AuditCheckpointService: DaemonService {
    let name = "audit checkpoints"
    private let registry: RegistryService
    private let configuration: Configuration
    private let keyPath: String?
    private let log: Log
    private var running: AuditCheckpoints?

    init(registry: RegistryService, configuration: Configuration, keyPath: String?, log: Log) {
        self.registry = registry
        self.configuration = configuration
        self.keyPath = keyPath
        self.log = log
    }

    /// The running checkpoints; only between `start` and `stop`.
    var checkpoints: AuditCheckpoints {
        guard let running else { preconditionFailure("the audit checkpoints are used before they started") }
        return running
    }

    func start() throws {
        running = try AuditCheckpoints.start(registry: registry.registry, configuration: configuration,
                                             keyPath: keyPath, log: log)
    }

    func stop() throws {
        guard let running else { return }
        self.running = nil
        running.stop()
    }
}
