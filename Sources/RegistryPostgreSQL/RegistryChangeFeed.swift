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
/// PostgreSQL keeps no notification for a session that was not listening:
/// changes made while the listener was reconnecting are not republished;
/// `onGap` says so, and a subscriber that must not miss anything re-reads.
public final class RegistryChangeFeed: @unchecked Sendable {
    public static let channel = "sscard_registry"

    private let store: PostgreSQLRegistryStore
    private let registry: Registry
    private var listener: PGListener!

    /// `onGap` runs after the listener reconnected (changes may have been missed);
    /// `onError` when reading the named changes failed.
    public init(store: PostgreSQLRegistryStore, registry: Registry,
                onGap: @escaping @Sendable () -> Void = {},
                onError: @escaping @Sendable (Error) -> Void = { _ in }) {
        self.store = store
        self.registry = registry
        listener = PGListener(conninfo: store.pool.conninfo, channel: Self.channel,
                              minimumBackoff: store.options.minimumBackoff, maximumBackoff: store.options.maximumBackoff,
                              onConnected: { reconnect in if reconnect { onGap() } },
                              deliver: { [weak self] notifications in
                                  do { try self?.republish(notifications) } catch { onError(error) }
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

    /// Reads the changes other daemons made and publishes them, in commit order.
    func republish(_ notifications: [PGNotification]) throws {
        guard registry.hasObservers else { return }
        let named = notifications.compactMap { Self.parse($0.payload) }.filter { $0.origin != store.origin }
        guard !named.isEmpty else { return }
        let events = try store.pool.withConnection(idempotent: true) { connection -> [RegistryEvent] in
            let access = store.access(connection, locking: false)
            var entries: [String: [Int64: AuditEntry]] = [:]
            for (chain, items) in Dictionary(grouping: named, by: \.chain) {
                let found = try access.auditEntries(chain: chain, sequences: items.map(\.sequence))
                entries[chain] = Dictionary(found.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
            }
            let ordered = named.compactMap { entries[$0.chain]?[$0.sequence] }
            return try ordered.compactMap { try Self.event(for: $0, access) }
        }
        registry.publishCommittedElsewhere(events)
    }

    /// The event the sender published for this entry, with the row as it is now.
    static func event(for entry: AuditEntry, _ access: PostgreSQLRegistryAccess) throws -> RegistryEvent? {
        switch entry.action {
        case "updateHolder":
            return entry.ssn.map { .holderChanged(SocialSecurityNumber(storedValue: $0), actor: entry.actor) }
        case "apply", "replace", "advance":
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
