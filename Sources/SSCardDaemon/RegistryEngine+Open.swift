import Foundation
import PostgreSQLStore
import Registry
import RegistryPostgreSQL
import Synchronization

extension RegistryEngine {
    /// Opens the configured registry store.
    ///
    /// SQLite: the file is opened, migrated and checked now; any failure stops
    /// the start, as before. PostgreSQL: a server that cannot be reached does
    /// not stop the start — the daemon serves reader calls, registry calls
    /// answer `RegistryUnavailable`, and the store migrates and checks at the
    /// first call that reaches the server (the deadline keeper makes one
    /// within half a second). A reachable server with a broken registry
    /// still stops the start. Reachability changes are logged once each.
    func openStore(_ configuration: Configuration, log: Log, auditKey: AuditKey? = nil) throws -> any RegistryStore {
        switch self {
        case .sqlite:
            // One pooled reader per worker thread (and a few for the deadline
            // keeper and monitor streams): with fewer, concurrent calls past the
            // pool's limit each open a fresh connection and close it afterwards,
            // a cold page cache and memory map every time.
            return try SQLiteRegistryStore(path: configuration.registryPath,
                                           integrityCheck: configuration.integrityCheck,
                                           readerLimit: max(8, configuration.workerThreads + 4),
                                           statusCache: configuration.statusCacheCards, auditKey: auditKey)
        case .postgresql:
            guard let conninfo = configuration.postgresqlConninfo else {
                throw ConfigurationError(path: "", line: nil, message: "'registry-engine = postgresql' needs 'postgresql-conninfo'")
            }
            if let owner = configuration.postgresqlOwnerConninfo {
                // Migrations as the owner, then the runtime role for everything else.
                let applied = try PostgreSQLRegistryStore.migrate(conninfo: owner.text)
                log.notice("registry migrations as the owner role: "
                               + (applied.isEmpty ? "schema up to date" : "applied \(applied.joined(separator: ", "))"))
            }
            var options = PostgreSQLRegistryStore.Options()
            options.poolSize = configuration.workerThreads + 4
            options.integrityCheck = configuration.integrityCheck
            options.auditKey = auditKey
            // Several hosts: never release a loss before the database server's clock says it is due.
            options.serverClockGuard = true
            options.openWhenReachable = true
            // Behind PgBouncer in transaction mode: no prepared statements (the
            // configuration has already refused the change feed with it).
            options.transactionPooling = configuration.postgresqlPooling == .transaction
            options.onOpen = { [log] applied in
                let migrations = applied.isEmpty ? "schema up to date" : "applied \(applied.joined(separator: ", "))"
                log.notice("registry database reached: \(migrations), open check passed")
            }
            let store = try PostgreSQLRegistryStore(conninfo: conninfo.text, auditChain: configuration.servicePoint,
                                                    options: options)
            store.observeAvailability { [log] change in
                switch change {
                case .available: log.notice("registry database reachable again")
                case let .unavailable(reason):
                    log.error("registry database unreachable, reconnecting with backoff: \(reason)")
                }
            }
            if options.transactionPooling {
                log.notice("postgresql-pooling = transaction: statements are sent unnamed, no session state is kept "
                               + "between transactions")
            }
            if !store.isOpen {
                log.error("registry database unreachable at start; serving reader calls, registry calls answer "
                              + "RegistryUnavailable until it is reached")
            }
            return store
        }
    }
}

/// The deadline keeper's failures, for the journal: it retries every half
/// second, so an unreachable database (already logged by the store's
/// reachability messages) is left out, and any other failure is logged once
/// until it changes.
final class KeeperFailureLog: Sendable {
    private let log: Log
    private let last = Mutex<String?>(nil)

    init(log: Log) { self.log = log }

    func report(_ error: Error) {
        if let error = error as? PostgreSQLError, error.isConnectionFailure { return }
        let text = String(describing: error)
        let isNew = last.withLock { last in
            defer { last = text }
            return last != text
        }
        if isNew { log.error("auto-release failed, will retry: \(text)") }
    }
}
