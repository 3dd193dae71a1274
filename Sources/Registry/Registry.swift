import SSCardValues

/// The card registry: holders, applications and cards, every lifecycle
/// operation a service point offers, and the audit trail of all of them.
///
/// Thread-safe. Every mutation is one atomic, durable store transaction that
/// also appends its audit entry, so a change and its record of who made it
/// never part. Refused attempts are recorded as well, then thrown.
public final class Registry: Sendable {
    public let store: any RegistryStore
    public let clock: any WallClock
    public let policy: Policy
    /// The service point this registry instance acts for.
    public let servicePoint: String
    let events: Observers<RegistryEvent>

    public init(store: any RegistryStore, clock: any WallClock = SystemClock(),
                policy: Policy = Policy(), servicePoint: String) {
        self.store = store
        self.clock = clock
        self.policy = policy
        self.servicePoint = servicePoint
        self.events = Observers<RegistryEvent>()
    }

    /// Registers a callback for committed changes, called after the commit on
    /// the caller's thread. Returns a token for `removeObserver`.
    @discardableResult
    public func addObserver(_ observer: @escaping @Sendable (RegistryEvent) -> Void) -> Int {
        events.add(observer)
    }

    public func removeObserver(_ token: Int) { events.remove(token) }

    /// Whether anyone observes committed changes now.
    public var hasObservers: Bool { !events.isEmpty }

    /// Publishes changes that another process committed to the same (shared)
    /// registry to this registry's observers, as if made here.
    public func publishCommittedElsewhere(_ changes: [RegistryEvent]) { events.publish(changes) }

    // MARK: Queries

    /// The status of one card with its holder's name.
    public func status(of cardNumber: CardNumber) throws -> CardStatus {
        guard let status = try store.cardStatus(cardNumber) else {
            throw RegistryError.cardNotFound(cardNumber)
        }
        return status
    }

    /// Everything about one holder: their cards and applications.
    public func status(of ssn: SocialSecurityNumber) throws -> HolderStatus {
        try store.read(snapshot: true) { reader in
            guard let holder = try reader.holder(ssn) else { throw RegistryError.holderNotFound(ssn) }
            return HolderStatus(holder: holder, cards: try reader.cards(of: ssn),
                                applications: try reader.applications(of: ssn))
        }
    }

    public func application(_ id: Int64) throws -> Application {
        guard let application = try store.read(snapshot: false, { try $0.application(id) }) else {
            throw RegistryError.applicationNotFound(id)
        }
        return application
    }

    /// The audit entries about a card or a holder, oldest first. A batch
    /// that produced their card has one entry for all its applications; it
    /// is shown here for this one, with its application, card and holder
    /// (`RegistryReading.batchEntries`), in time order among the others.
    public func history(cardNumber: CardNumber? = nil, ssn: SocialSecurityNumber? = nil,
                        limit: Int = 1000) throws -> [AuditEntry] {
        try store.read(snapshot: true) { reader in
            let entries = try reader.auditEntries(cardNumber: cardNumber, ssn: ssn, limit: limit)
            let batches = try reader.batchEntries(cardNumber: cardNumber, ssn: ssn, limit: limit)
            guard !batches.isEmpty else { return entries }
            var merged: [AuditEntry] = []
            merged.reserveCapacity(entries.count + batches.count)
            var next = batches.makeIterator(), batch = next.next()
            for entry in entries {
                while let shown = batch, shown.at < entry.at {
                    merged.append(shown)
                    batch = next.next()
                }
                merged.append(entry)
            }
            while let shown = batch {
                merged.append(shown)
                batch = next.next()
            }
            return Array(merged.prefix(limit))
        }
    }

    /// Temporary losses waiting for their deadline, earliest first.
    public func pendingReleases(limit: Int = 1000) throws -> [(cardNumber: CardNumber, deadline: Timestamp)] {
        try store.read(snapshot: false) { try $0.pendingLosses(limit: limit) }
    }

    // MARK: Plumbing

    /// Runs a mutation as one durable transaction and publishes the events
    /// the body produced once the commit is durable.
    ///
    /// A refusal rolls back everything the body wrote, then records the
    /// refused attempt in a transaction of its own and rethrows: the trail
    /// shows every attempt, and a refused change is never half applied.
    func mutate<T: Sendable>(_ attempt: Attempt,
                             _ body: (any RegistryWriting, inout [RegistryEvent]) throws -> T) throws -> T {
        try recordingRefusals(attempt) {
            let (value, produced) = try store.write { writer in
                var produced: [RegistryEvent] = []
                let value = try body(writer, &produced)
                return (value, produced)
            }
            events.publish(produced)
            return value
        }
    }

    /// Runs `body`: a refusal is recorded as `attempt` (in a transaction of
    /// its own) and rethrown; any other failure of the store comes out as
    /// `storeFailure`. The one place that decides what an attempt's error means.
    func recordingRefusals<T>(_ attempt: Attempt, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RegistryError where error.isRefusal {
            try recordRefusal(attempt, error)
            throw error
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storeFailure(String(describing: error))
        }
    }

    func recordRefusal(_ attempt: Attempt, _ error: RegistryError) throws {
        do {
            try store.write { writer in
                let current = try attempt.cardNumber.flatMap { try writer.card($0) }
                // A refused application step is filed under its holder too, so History by ssn shows it.
                let application = try attempt.applicationId.flatMap { try writer.application($0) }
                let applicant = attempt.ssn ?? current?.ssn ?? application?.ssn
                try AuditTrail.append(AuditEntry(
                    sequence: 0, at: clock.now(), actor: attempt.actor, action: attempt.action, outcome: .refused,
                    cardNumber: attempt.cardNumber?.rawValue, ssn: applicant?.rawValue,
                    applicationId: attempt.applicationId, evidence: attempt.evidence,
                    oldState: current?.state.rawValue, newState: current?.state.rawValue,
                    reason: error.description), to: writer)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storeFailure(String(describing: error))
        }
    }
}

/// What a caller tried to do, for the audit entry of a refusal.
struct Attempt {
    var action: AuditAction
    var actor: Actor
    var evidence: Evidence
    var cardNumber: CardNumber?
    var ssn: SocialSecurityNumber?
    var applicationId: Int64?
}

extension Registry {
    /// Records an attempt refused before it reached the registry's rules,
    /// e.g. a call the caller's role does not permit.
    public func recordRefusedAttempt(action: AuditAction, actor: Actor, cardNumber: CardNumber? = nil,
                                     ssn: SocialSecurityNumber? = nil, reason: String) throws {
        do {
            _ = try store.write { writer in
                try AuditTrail.append(AuditEntry(sequence: 0, at: clock.now(), actor: actor, action: action,
                                                 outcome: .refused, cardNumber: cardNumber?.rawValue,
                                                 ssn: ssn?.rawValue, reason: reason), to: writer)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.storeFailure(String(describing: error))
        }
    }
}
