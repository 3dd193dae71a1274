import SSCardValues

/// The storage engine behind the registry: the small interface that keeps the
/// domain logic independent of SQLite, so a second engine can be added by
/// implementing these three protocols.
///
/// Contract: `write` runs its body atomically — all of its writes commit, or
/// none — and returns only after the commit is durable. `read` sees only
/// committed data.
public protocol RegistryStore: AnyObject, Sendable {
    /// Runs `body` on a reader. With `snapshot`, every query in the body sees
    /// the same committed state.
    func read<T>(snapshot: Bool, _ body: (any RegistryReading) throws -> T) throws -> T
    /// Runs `body` in one durable transaction; a throw rolls back its writes.
    func write<T: Sendable>(_ body: (any RegistryWriting) throws -> T) throws -> T
    /// Copies the whole registry to a new file while it keeps serving.
    func backup(to path: String) throws
    /// Flushes and closes; later calls fail.
    func close() throws
    /// One card's status: the hottest query, which an engine may answer from memory.
    func cardStatus(_ number: CardNumber) throws -> CardStatus?
}

extension RegistryStore {
    public func cardStatus(_ number: CardNumber) throws -> CardStatus? {
        try read(snapshot: false) { try $0.cardStatus(number) }
    }
}

/// Queries the registry logic needs.
public protocol RegistryReading {
    func card(_ number: CardNumber) throws -> CardRecord?
    func cardStatus(_ number: CardNumber) throws -> CardStatus?
    func card(chipId: CardIdentificationCode) throws -> CardRecord?
    func cards(of ssn: SocialSecurityNumber) throws -> [CardRecord]
    func holder(_ ssn: SocialSecurityNumber) throws -> Holder?
    func application(_ id: Int64) throws -> Application?
    func applications(of ssn: SocialSecurityNumber) throws -> [Application]
    /// Audit entries about a card or a holder, oldest first.
    func auditEntries(cardNumber: CardNumber?, ssn: SocialSecurityNumber?, limit: Int) throws -> [AuditEntry]
    /// The audit chain this store appends to: "" for the SQLite engine's
    /// single chain, the service point's chain on PostgreSQL.
    var auditChain: String { get }
    /// The key keyed audit entries are sealed and checked with; nil when the
    /// store was opened without one (the chain then stays unkeyed).
    var auditKey: AuditKey? { get }
    /// The entries of one chain from sequence `first` on, in sequence order;
    /// `body` returns false to stop.
    func forEachAuditEntry(inChain chain: String, from first: Int64, _ body: (AuditEntry) throws -> Bool) throws
    /// Every audit entry, chain after chain (in the order of the chains'
    /// names), each chain in sequence order; `body` returns false to stop.
    func forEachAuditEntry(_ body: (AuditEntry) throws -> Bool) throws
    /// The newest entry's sequence and hash in the chain this store appends
    /// to (`RegistryWriting.auditChain`), or nil while that chain is empty.
    /// Inside `write`, the engine holds the chain until commit, so that the
    /// append that follows cannot race another writer of the same chain.
    func lastAuditLink() throws -> (sequence: Int64, hash: [UInt8])?
    /// The earliest temporary-loss deadline, from the deadline index.
    func earliestLossDeadline() throws -> Timestamp?
    /// Temporarily lost cards whose deadline is at or before `now`, earliest first.
    func dueLosses(at now: Timestamp, limit: Int) throws -> [CardNumber]
    /// Pending temporary losses, earliest deadline first.
    func pendingLosses(limit: Int) throws -> [(cardNumber: CardNumber, deadline: Timestamp)]
    /// How many cards are in each state (states with none are absent): the
    /// whole registry's, one scan of the cards table, for the metrics file.
    func cardCountsByState() throws -> [CardState: Int]
    /// Runs one of a report's aggregate statements; every column as text.
    func aggregate(_ query: ReportQuery, _ parameters: [ColumnValue]) throws -> [[String?]]
    /// The audit entries stamped in [from, to), at `servicePoint` when given,
    /// in time order, a page at a time; `body` returns false to stop.
    func forEachAuditEntry(from: Timestamp, to: Timestamp, servicePoint: String?,
                           _ body: (AuditEntry) throws -> Bool) throws

    // Production batches (`Registry.importBatch`): set-based, so that an
    // engine across a network answers a batch in a few round trips.
    func productionBatch(_ id: String) throws -> ProductionBatchRecord?
    /// The card data a batch delivered for an application.
    func producedCard(applicationId: Int64) throws -> ProducedCard?
    /// The applications with these ids.
    func applications(ids: [Int64]) throws -> [Int64: Application]
    /// Each holder's newest application that is neither rejected nor bound.
    func openApplications(ssns: [SocialSecurityNumber]) throws -> [SocialSecurityNumber: Application]
    /// Those of `numbers` that a card or a batch's produced card already has.
    func knownCardNumbers(_ numbers: [CardNumber]) throws -> Set<CardNumber>
    /// Those of `chipIds` that a card or a batch's produced card already has.
    func knownChipIds(_ chipIds: [CardIdentificationCode]) throws -> Set<CardIdentificationCode>
    /// Those of `applicationIds` that a batch already delivered card data for.
    func producedApplications(_ applicationIds: [Int64]) throws -> Set<Int64>
    /// Every production batch's id, in order: a whole audit walk finds each one's entry.
    func productionBatchIds() throws -> [String]
    /// A batch's produced cards, in application order: what its entry sealed.
    func producedCards(inBatch batchId: String) throws -> [ProducedCard]
    /// The sealing `importBatch` entries of the batches that produced a card
    /// for `cardNumber` or for holder `ssn`, each shown for that application
    /// (`RegistryRows.batchEntry`), oldest first.
    func batchEntries(cardNumber: CardNumber?, ssn: SocialSecurityNumber?, limit: Int) throws -> [AuditEntry]
}

/// The writes the registry logic performs, inside `RegistryStore.write`.
public protocol RegistryWriting: RegistryReading {
    func insert(_ holder: Holder, at time: Timestamp) throws
    func update(_ holder: Holder, at time: Timestamp) throws
    /// Inserts an application and returns its new id.
    func insertApplication(_ application: Application) throws -> Int64
    func update(_ application: Application) throws
    func insert(_ card: CardRecord) throws
    func update(_ card: CardRecord) throws
    /// Appends a sealed entry; the engine refuses updates and deletes of the trail.
    func append(_ entry: AuditEntry) throws
    /// Records a batch, stores its cards' data and moves their applications
    /// to `produced` at `time`; throws `BatchRowsRefused` (the caller rolls
    /// back) when a row breaks a rule: its application unknown, not
    /// `producing` or already given card data, or its card number or chip
    /// already known among cards and produced cards.
    func insert(_ batch: ProductionBatchRecord, cards: [ProducedCard], at time: Timestamp) throws
}
