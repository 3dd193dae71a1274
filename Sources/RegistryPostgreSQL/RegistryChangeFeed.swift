import Foundation
import PostgreSQLStore
import Registry
import SSCardValues

/// Changes committed by other daemons on a shared registry, republished to
/// this daemon's observers (its Monitor subscribers).
///
/// Every committed audit entry of a change sends `NOTIFY sscard_registry`
/// inside its write transaction (so it is delivered at commit, and never for
/// a rollback) with the sender's origin, chain and sequence. Each daemon
/// LISTENs on a connection of its own (`PGListener`), skips its own
/// notifications (the daemon published those at commit), reads the named
/// entries and the current rows they are about, and publishes the same
/// events the sender did. Nothing is read while nobody observes.
///
/// PostgreSQL keeps no notification for a session that was not listening, so
/// the feed remembers how far it has come in each chain (`FeedPosition`) and,
/// after its session was lost and made again, reads what it missed from the
/// audit trail: LISTEN first, then the chains' heads, then every other
/// chain's entries between its position and the head, republished like live
/// ones. Notifications of entries already shown are dropped, so each entry
/// is shown once. More than `catchUpLimit` missing entries are not loaded:
/// observers get a `.gap` event instead (as when the trail cannot be read),
/// which tells a dashboard to re-read.
public final class RegistryChangeFeed: @unchecked Sendable {
    public static let channel = "sscard_registry"
    /// The listener's `application_name`, to tell its session apart in `pg_stat_activity`.
    public static let applicationName = "sscard-listener"
    public static let defaultCatchUpLimit = 10_000

    /// What the feed tells the daemon's log.
    public enum Report: Sendable, Equatable {
        /// The session was made again and what it missed was read: `replayed`
        /// changes were shown late (0 also when nobody observes: nothing is read then).
        case caughtUp(replayed: Int)
        /// Observers were sent a `.gap` event with `reason`; `detail` is the
        /// error behind it, for the journal only.
        case gap(reason: String, detail: String?)
    }

    private let store: PostgreSQLRegistryStore
    private let registry: Registry
    private let catchUpLimit: Int
    private let onReport: @Sendable (Report) -> Void
    private var listener: PGListener!
    /// Touched only on the listener's thread.
    private var position = FeedPosition()

    /// `onReport` runs on the listener's thread after each catch-up and each gap.
    public init(store: PostgreSQLRegistryStore, registry: Registry, catchUpLimit: Int = RegistryChangeFeed.defaultCatchUpLimit,
                onReport: @escaping @Sendable (Report) -> Void = { _ in }) {
        self.store = store
        self.registry = registry
        self.catchUpLimit = catchUpLimit
        self.onReport = onReport
        listener = PGListener(conninfo: store.pool.conninfo, channel: Self.channel, applicationName: Self.applicationName,
                              minimumBackoff: store.options.minimumBackoff, maximumBackoff: store.options.maximumBackoff,
                              onConnected: { [weak self] connection, reconnect in
                                  try self?.connected(connection, reconnect: reconnect)
                              },
                              deliver: { [weak self] connection, notifications in
                                  try self?.republish(notifications, connection)
                              })
    }

    public func start() { listener.start() }
    public func stop() { listener.stop() }

    static func payload(origin: String, chain: String, sequence: Int64) -> String {
        "\(origin)\t\(sequence)\t\(chain)"
    }

    /// (origin, chain, sequence) from a payload, or nil for one this version did not send.
    static func parse(_ payload: String) -> (origin: String, chain: String, sequence: Int64)? {
        let parts = payload.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let sequence = Int64(parts[1]) else { return nil }
        return (String(parts[0]), String(parts[2]), sequence)
    }

    /// The session listens (again). The first time, the chains' heads are the
    /// starting point; after a loss, the entries missed are read and shown.
    /// A lost connection is thrown, so the listener makes a new session and
    /// this runs again from the same position; any other failure is a gap.
    func connected(_ connection: PGConnection, reconnect: Bool) throws {
        let access = store.access(connection, locking: false)
        let heads: [String: Int64]
        do {
            heads = try access.chainHeads()
        } catch let error as PostgreSQLError where error.isConnectionFailure {
            throw error
        } catch {
            return gap(Self.unreadable, error)
        }
        guard position.isEstablished else {
            position.establish(heads)
            // A session listened before this feed knew where to resume from.
            if reconnect { gap("the change feed lost its database session before it knew where to resume", nil) }
            return
        }
        let missing = position.missing(upTo: heads, skipping: store.auditChain)
        let count = missing.reduce(0) { $0 + $1.count }
        guard registry.hasObservers, count > 0 else {
            position.advance(to: heads)
            if reconnect { onReport(.caughtUp(replayed: 0)) }
            return
        }
        guard count <= Int64(catchUpLimit) else {
            position.advance(to: heads)
            return gap("\(count) changes other daemons made while the change feed was reconnecting exceed its "
                           + "catch-up limit of \(catchUpLimit) and are not shown", nil)
        }
        let events: [RegistryEvent]
        do {
            let entries = FeedPosition.merged(try access.auditEntries(missing)).filter { $0.outcome == .done }
            events = try entries.compactMap { try Self.event(for: $0, access) }
        } catch let error as PostgreSQLError where error.isConnectionFailure {
            throw error
        } catch {
            position.advance(to: heads)
            return gap(Self.unreadable, error)
        }
        registry.publishCommittedElsewhere(events)
        position.advance(to: heads)
        onReport(.caughtUp(replayed: events.count))
    }

    static let unreadable = "the changes other daemons made could not be read from the audit trail and are not shown"

    /// Reads the changes other daemons made and publishes them, in commit
    /// order, leaving out what was shown already. A lost connection is thrown
    /// before anything is recorded, so the catch-up after the reconnect shows them.
    func republish(_ notifications: [PGNotification], _ connection: PGConnection) throws {
        let named = notifications.compactMap { Self.parse($0.payload) }.filter { $0.origin != store.origin }
        let fresh = position.new(named.map { (chain: $0.chain, sequence: $0.sequence) })
        guard !fresh.isEmpty else { return }
        guard registry.hasObservers else { return position.record(fresh) }
        let events: [RegistryEvent]
        do {
            let access = store.access(connection, locking: false)
            var entries: [String: [Int64: AuditEntry]] = [:]
            for (chain, items) in Dictionary(grouping: fresh, by: \.chain) {
                let found = try access.auditEntries(chain: chain, sequences: items.map(\.sequence))
                entries[chain] = Dictionary(found.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
            }
            let ordered = fresh.compactMap { entries[$0.chain]?[$0.sequence] }
            events = try ordered.compactMap { try Self.event(for: $0, access) }
        } catch let error as PostgreSQLError where error.isConnectionFailure {
            throw error
        } catch {
            position.record(fresh)
            return gap(Self.unreadable, error)
        }
        registry.publishCommittedElsewhere(events)
        position.record(fresh)
    }

    /// Tells observers (if any) that they may have missed changes, and the log why.
    private func gap(_ reason: String, _ error: Error?) {
        if registry.hasObservers { registry.publishCommittedElsewhere([.gap(reason: reason)]) }
        onReport(.gap(reason: reason, detail: error.map { String(describing: $0) }))
    }

    /// The event the sender published for this entry, with the row as it is now.
    static func event(for entry: AuditEntry, _ access: PostgreSQLRegistryAccess) throws -> RegistryEvent? {
        switch entry.action {
        case .updateHolder:
            return entry.ssn.map { .holderChanged(SocialSecurityNumber(storedValue: $0), actor: entry.actor) }
        case .apply, .replace, .advance:
            guard let id = entry.applicationId, let application = try access.application(id) else { return nil }
            return .applicationChanged(application, action: entry.action, actor: entry.actor)
        default:
            guard let number = entry.cardNumber, let card = try access.card(CardNumber(storedValue: number)) else {
                return nil
            }
            return .cardChanged(card, action: entry.action, actor: entry.actor)
        }
    }
}
