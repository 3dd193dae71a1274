import Registry

/// How far a daemon's change feed has come in each audit chain: the highest
/// sequence it has republished or knows of.
///
/// A change notification names (origin, chain, sequence), and sequences
/// count up within a chain in commit order (the chain's head row serializes
/// its appends). So one number per chain is enough to say whether an entry
/// was already shown — a notification at or below it is a duplicate of what
/// a catch-up read — and, after the LISTEN session was lost, where reading
/// the missed entries starts.
///
/// Used only on the listener's thread.
struct FeedPosition: Equatable {
    /// Per chain, the highest sequence known; nil until the first heads were read.
    private(set) var known: [String: Int64]?

    /// What one chain is missing: entries `after` < sequence ≤ `through`.
    struct Missing: Equatable {
        var chain: String
        var after: Int64
        var through: Int64
        var count: Int64 { through - after }
    }

    var isEstablished: Bool { known != nil }

    /// Takes the chains' heads as the starting point: whatever they cover
    /// was committed before this feed listened, and is not republished.
    mutating func establish(_ heads: [String: Int64]) {
        known = heads
    }

    /// The notified entries that are new, in the order given, each chain's
    /// duplicates (at or below what is known, or repeated) left out. Does not
    /// record them: `record` does, once they are shown.
    func new(_ named: [(chain: String, sequence: Int64)]) -> [(chain: String, sequence: Int64)] {
        var seen = known ?? [:]
        return named.filter { item in
            guard item.sequence > seen[item.chain, default: 0] else { return false }
            seen[item.chain] = item.sequence
            return true
        }
    }

    /// Records entries as shown (or as deliberately skipped).
    mutating func record(_ items: [(chain: String, sequence: Int64)]) {
        var heads = known ?? [:]
        for item in items where item.sequence > heads[item.chain, default: 0] { heads[item.chain] = item.sequence }
        known = heads
    }

    /// Moves every chain up to `heads` (never back).
    mutating func advance(to heads: [String: Int64]) {
        record(heads.map { (chain: $0.key, sequence: $0.value) })
    }

    /// The entries between what is known and `heads`, per chain, leaving out
    /// `skipping` (this daemon's own chain: it published those at commit).
    func missing(upTo heads: [String: Int64], skipping: String) -> [Missing] {
        heads.compactMap { chain, head in
            let after = known?[chain] ?? 0
            return chain != skipping && head > after ? Missing(chain: chain, after: after, through: head) : nil
        }.sorted { $0.chain < $1.chain }
    }

    /// Entries of several chains, each chain's in sequence order, merged by
    /// their time, then chain, then sequence — the order a live feed would
    /// have shown them in, near enough. The key is the latest time seen so
    /// far in the entry's own chain, so a writer whose clock stepped back
    /// never puts an entry before an earlier one of its chain.
    static func merged(_ entries: [AuditEntry]) -> [AuditEntry] {
        var latest: [String: Int64] = [:]
        let inChainOrder = entries.sorted { ($0.chain, $0.sequence) < ($1.chain, $1.sequence) }
        let keyed = inChainOrder.map { entry -> (at: Int64, entry: AuditEntry) in
            let at = max(latest[entry.chain] ?? .min, entry.at.milliseconds)
            latest[entry.chain] = at
            return (at, entry)
        }
        return keyed.sorted { left, right in
            if left.at != right.at { return left.at < right.at }
            if left.entry.chain != right.entry.chain { return left.entry.chain < right.entry.chain }
            return left.entry.sequence < right.entry.sequence
        }.map(\.entry)
    }
}
