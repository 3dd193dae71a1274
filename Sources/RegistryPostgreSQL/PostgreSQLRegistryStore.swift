import Foundation
import PostgreSQLStore
import Registry
import Synchronization

/// The registry on PostgreSQL, shared by many sscardd processes.
///
/// Isolation: every `write` is one READ COMMITTED transaction in which each
/// row the registry logic reads before changing it is locked `FOR UPDATE`
/// (see `PostgreSQLRegistryAccess`). Two daemons acting on one card queue on
/// its row; the second sees the first's result and gets the lifecycle's
/// refusal. Conflicts the locks cannot order — a deadlock (40P01), a
/// serialization failure (40001), a unique violation from a row that did not
/// exist when read (23505: two first applications of one new holder) — roll
/// the transaction back and run it again, at most `maximumAttempts` times.
///
/// Durability: a call returns after COMMIT, which PostgreSQL makes durable
/// (with `synchronous_commit` on, and on the synchronous standbys the
/// operator configures).
///
/// Faults: a lost connection fails the call in flight with a clear error and
/// the server rolls its transaction back; the pool reconnects with backoff
/// (`PGPool`). The registry is unavailable meanwhile; the daemon keeps
/// running and serves again once a connection succeeds.
public final class PostgreSQLRegistryStore: RegistryStore, Sendable {
    public struct OpenError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot open the registry on PostgreSQL: \(reason)" }
    }

    public struct Options: Sendable {
        /// Connections kept for this daemon.
        public var poolSize = 8
        /// Attempts of one write transaction when it conflicts with another daemon's.
        public var maximumAttempts = 8
        public var integrityCheck: IntegrityCheck = .bounded
        /// Never release a temporary loss before the database server's clock
        /// reaches the deadline either (a daemon host's clock may run ahead).
        public var serverClockGuard = false
        public var minimumBackoff: TimeInterval = 0.05
        public var maximumBackoff: TimeInterval = 5
        /// Open even while the server cannot be reached (the daemon serves
        /// reader calls meanwhile); migrate and check at the first call that reaches it.
        public var openWhenReachable = false
        /// Called once the migrations and the open check have passed, with the
        /// migrations this open applied (for the daemon's log).
        public var onOpen: (@Sendable ([String]) -> Void)?
        /// Behind PgBouncer in transaction mode, where each transaction may run
        /// on another server session: statements are sent unnamed instead of
        /// prepared once per session. Nothing else the store does needs a
        /// session between transactions (the migrations' lock is
        /// transaction-scoped); a `RegistryChangeFeed` does (LISTEN), and must
        /// not be started on such a store.
        public var transactionPooling = false
        /// Seals this daemon's audit entries (HMAC) and checks keyed ones.
        /// Daemons sharing a registry share the key, so that each can verify
        /// every chain. Never stored.
        public var auditKey: AuditKey?
        public init() {}
    }

    public let pool: PGPool
    /// The audit chain this daemon appends to: its service point.
    public let auditChain: String
    public let options: Options
    /// This store's id in the change notifications it sends.
    public let origin = UUID().uuidString
    /// Transactions run again after a conflict, for tests and benchmarks.
    public var retriedTransactions: Int { statistics.withLock { $0 } }
    private let statistics = Mutex(0)
    private let readiness = Mutex(Readiness.pending)
    private let preparing = NSLock()

    enum Readiness: Equatable {
        /// Not yet reached the server (a deferred open).
        case pending
        case ready
        /// Reached, but the migrations or the open check failed: every call says why.
        case failed(String)
    }

    /// Connects, applies migrations (under a transaction-scoped advisory lock,
    /// so that several daemons starting at once apply them once) and checks integrity. With
    /// `openWhenReachable`, an unreachable server is not an error: the store
    /// opens empty-handed, every call fails as unavailable, and the first
    /// call that reaches the server applies the migrations and the check.
    public init(conninfo: String, auditChain: String, options: Options = Options()) throws {
        self.auditChain = auditChain
        self.options = options
        pool = PGPool(conninfo: conninfo, limit: options.poolSize, minimumBackoff: options.minimumBackoff,
                      maximumBackoff: options.maximumBackoff, preparesStatements: !options.transactionPooling)
        do {
            try prepare()
        } catch let error as PostgreSQLError where error.isConnectionFailure && options.openWhenReachable {
            // Stays pending: `prepareIfNeeded` tries again at each call.
        } catch let error as OpenError {
            pool.close()
            throw error
        } catch {
            pool.close()
            throw OpenError(reason: String(describing: error))
        }
    }

    /// Reports every change between reaching the server and not reaching it.
    public func observeAvailability(_ observer: @escaping @Sendable (PGPool.Availability) -> Void) {
        pool.observeAvailability(observer)
    }

    /// Whether the migrations and the open check have run (false while the
    /// server has not been reached since a deferred open).
    public var isOpen: Bool { readiness.withLock { $0 == .ready } }

    /// Migrates and checks on one connection; records the outcome.
    private func prepare() throws {
        let (applied, problems): ([String], [String])
        do {
            (applied, problems) = try pool.withConnection { connection -> ([String], [String]) in
                let applied = try PostgreSQLRegistrySchema.migrate(connection)
                return (applied, try Self.check(connection, chain: auditChain, level: options.integrityCheck,
                                                 key: options.auditKey))
            }
        } catch let error as PostgreSQLError where error.isConnectionFailure {
            throw error
        } catch {
            let failure = OpenError(reason: String(describing: error))
            readiness.withLock { $0 = .failed(failure.reason) }
            throw failure
        }
        guard problems.isEmpty else {
            let failure = OpenError(reason: "integrity check failed: \(problems.prefix(3).joined(separator: "; "))")
            readiness.withLock { $0 = .failed(failure.reason) }
            throw failure
        }
        readiness.withLock { $0 = .ready }
        options.onOpen?(applied)
    }

    /// Runs the deferred open if it has not succeeded yet; one thread at a
    /// time, the others wait and then see its outcome.
    private func prepareIfNeeded() throws {
        switch readiness.withLock({ $0 }) {
        case .ready: return
        case let .failed(reason): throw OpenError(reason: reason)
        case .pending: break
        }
        try preparing.withLock {
            switch readiness.withLock({ $0 }) {
            case .ready: return
            case let .failed(reason): throw OpenError(reason: reason)
            case .pending: try prepare()
            }
        }
    }

    /// The migration ids recorded in the database, in the order applied.
    public func appliedMigrations() throws -> [String] {
        try pool.withConnection(idempotent: true) { try PostgreSQLRegistrySchema.appliedIdentifiers($0) }
    }

    public func read<T>(snapshot: Bool, _ body: (any RegistryReading) throws -> T) throws -> T {
        try prepareIfNeeded()
        if snapshot {
            return try pool.transaction(.repeatableRead, readOnly: true) { connection in
                try body(access(connection, locking: false))
            }
        }
        return try pool.withConnection(idempotent: true) { connection in
            try body(access(connection, locking: false))
        }
    }

    public func write<T: Sendable>(_ body: (any RegistryWriting) throws -> T) throws -> T {
        try prepareIfNeeded()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.transaction(.readCommitted) { connection in
                    try body(access(connection, locking: true))
                }
            } catch let error as PostgreSQLError where error.isRetryableConflict && attempt < options.maximumAttempts {
                statistics.withLock { $0 += 1 }
                // Jittered, growing pause so that the same two daemons do not collide again.
                usleep(UInt32(Double.random(in: 0.5...1.0) * Double(min(attempt, 6)) * 2_000))
            } catch let error as PostgreSQLError where error.isDiskFull {
                throw Self.storageFull(error)
            }
        }
    }

    /// The same error the SQLite engine gives for a full file system, so
    /// clients and operators see one "free some space" answer on both engines.
    static func storageFull(_ error: PostgreSQLError) -> RegistryError {
        .storageFull("the registry database server has no space left (\(error.message)); nothing was applied, "
            + "and the call succeeds once space is freed")
    }

    /// The whole registry copied to a file is what `pg_dump` and the replicas
    /// are for on PostgreSQL; the daemon's online backup applies to SQLite only.
    public func backup(to path: String) throws {
        throw PostgreSQLError(kind: .misuse, message: "online backup to a file is for the SQLite engine; "
                                  + "use pg_dump or a replica for PostgreSQL")
    }

    /// The full check: the schema objects and every audit chain. Empty means intact.
    public func checkIntegrity() throws -> [String] {
        try pool.transaction(.repeatableRead, readOnly: true) { connection in
            try Self.check(connection, chain: auditChain, level: .full, key: options.auditKey)
        }
    }

    public func close() throws {
        pool.close()
    }

    func access(_ connection: PGConnection, locking: Bool) -> PostgreSQLRegistryAccess {
        PostgreSQLRegistryAccess(db: connection, auditChain: auditChain, locking: locking,
                                 serverClockGuard: options.serverClockGuard, origin: origin, auditKey: options.auditKey)
    }

    static let requiredRelations = ["holders", "applications", "cards", "audit", "audit_chains", "cards_by_ssn",
                                    "cards_by_loss_deadline", "audit_by_card", "audit_by_ssn"]
    static let requiredTriggers = ["audit_no_update", "audit_no_delete"]
    static let tailLength = 256

    /// Schema objects present, this daemon's chain head agreeing with its last
    /// entry, and the chain's newest entries intact (or, `full`, every chain).
    static func check(_ connection: PGConnection, chain: String, level: IntegrityCheck,
                      key: AuditKey?) throws -> [String] {
        var problems: [String] = []
        for relation in requiredRelations {
            let present = try connection.queryOne("SELECT to_regclass($1) IS NOT NULL", [.text(relation)]) { $0.bool(0) }
            if present != true { problems.append("schema relation \(relation) is missing") }
        }
        guard problems.isEmpty else { return problems }
        let triggers = Set(try connection.query(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('audit') AND NOT tgisinternal AND tgenabled <> 'D'")
            .compactMap { $0.string(0) })
        for trigger in requiredTriggers where !triggers.contains(trigger) {
            problems.append("schema trigger \(trigger) is missing")
        }
        guard problems.isEmpty else { return problems }
        let access = PostgreSQLRegistryAccess(db: connection, auditChain: chain, locking: false, serverClockGuard: false,
                                              auditKey: key)
        let tail = try access.chainTail(chain, limit: tailLength)
        let head = try connection.queryOne("SELECT last_seq FROM audit_chains WHERE chain = $1", [.text(chain)]) {
            $0.int64(0) ?? 0
        }
        if (head ?? 0) != (tail.last?.sequence ?? 0) {
            problems.append("audit chain \"\(chain)\" head says \(head ?? 0) but its last entry is \(tail.last?.sequence ?? 0)")
        }
        let verification = level == .full ? try AuditTrail.verify(access) : AuditTrail.verifyTail(tail, key: key)
        if let broken = verification.firstBrokenSequence {
            let name = verification.firstBrokenChain ?? chain
            problems.append("audit chain \"\(name)\" broken at entry \(broken): \(verification.problem ?? "")")
        }
        return problems
    }
}
