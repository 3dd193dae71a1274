import Synchronization
import SSCardValues

/// Card statuses kept in memory, so that a status query — the call kiosks and
/// counters make most — costs a hash lookup instead of two B-tree descents.
///
/// Only an engine that is the registry's sole writer may keep one (the SQLite
/// engine: one daemon owns the file); with several writers, as on PostgreSQL,
/// another process's change could not reach it.
///
/// Coherence rests on one rule: a status read from the store may enter the
/// cache only if no change to its shard was committed since the read began.
/// A reader takes a `ticket` before it queries the store; the writer, after
/// its commit and before acknowledging, bumps the commit counter and stamps
/// every shard it touched with the new count. A fill whose ticket is older
/// than its shard's stamp may hold a pre-commit value and is dropped. So a
/// caller never reads from the cache a state older than a change it has been
/// told is done.
public final class CardStatusCache: Sendable {
    private struct Shard {
        var entries: [CardNumber: PackedCardStatus] = [:]
        /// The commit count when a change last touched this shard.
        var stamp: UInt64 = 0
    }

    /// A reader's proof of when it began reading the store.
    public struct Ticket: Sendable { fileprivate let commits: UInt64 }

    /// A change to apply after its commit: a card's new record (kept with the
    /// cached holder name), or a card to forget (its holder's name changed,
    /// or it is new).
    public enum Change: Sendable {
        case updated(CardRecord)
        case forget(CardNumber)
    }

    public let capacity: Int
    /// Mutex is not copyable, so each lives in a box of its own.
    private final class Lock: Sendable { let mutex = Mutex(Shard()) }
    private let shards: [Lock]
    private let perShard: Int
    private let commits = Atomic<UInt64>(0)

    /// - Parameter capacity: the most statuses kept; past it, an arbitrary
    ///   entry of the shard makes room. About 140 bytes each
    ///   (`PackedCardStatus`).
    public init(capacity: Int) {
        self.capacity = max(capacity, 0)
        let count = 256
        shards = (0..<count).map { _ in Lock() }
        // Hashing spreads cards unevenly (binomially: a shard's share varies
        // by about its square root); headroom of five of those lets a registry
        // of exactly `capacity` cards fit whole, small or large.
        let share = Double(capacity) / Double(count)
        perShard = capacity > 0 ? Int(share + 5 * share.squareRoot()) + 2 : 0
    }

    private func shard(_ number: CardNumber) -> Lock {
        shards[Int(UInt(bitPattern: number.hashValue) % UInt(shards.count))]
    }

    public func status(of number: CardNumber) -> CardStatus? {
        shard(number).mutex.withLock { $0.entries[number] }?.status(number)
    }

    /// Take before reading the store; pass to `fill`.
    public func ticket() -> Ticket { Ticket(commits: commits.load(ordering: .acquiring)) }

    /// Offers a status read from the store after `ticket` was taken.
    public func fill(_ status: CardStatus, ticket: Ticket) {
        guard perShard > 0, let packed = PackedCardStatus(status) else { return }
        shard(status.card.cardNumber).mutex.withLock { shard in
            guard shard.stamp <= ticket.commits else { return }
            if shard.entries.count >= perShard, shard.entries[status.card.cardNumber] == nil {
                shard.entries.remove(at: shard.entries.startIndex)
            }
            shard.entries[status.card.cardNumber] = packed
        }
    }

    /// Applies one committed transaction's changes. Call after the commit is
    /// durable and before the caller hears that it is done.
    public func committed(_ changes: [Change]) {
        guard !changes.isEmpty else { return }
        let count = commits.add(1, ordering: .acquiringAndReleasing).newValue
        for change in changes {
            switch change {
            case .updated(let card):
                shard(card.cardNumber).mutex.withLock { shard in
                    shard.stamp = count
                    if let cached = shard.entries[card.cardNumber] {
                        shard.entries[card.cardNumber] = cached.updating(card)
                    }
                }
            case .forget(let number):
                shard(number).mutex.withLock { shard in
                    shard.stamp = count
                    shard.entries[number] = nil
                }
            }
        }
    }

    /// Forgets everything, e.g. after a transaction whose outcome is unknown.
    public func clear() {
        let count = commits.add(1, ordering: .acquiringAndReleasing).newValue
        for shard in shards {
            shard.mutex.withLock {
                $0.stamp = count
                $0.entries.removeAll()
            }
        }
    }

    /// Statuses held now.
    public var count: Int { shards.reduce(0) { total, shard in total + shard.mutex.withLock { $0.entries.count } } }
}
