/// The rules one chain's entries must satisfy, checked one entry at a time
/// in sequence order — the same rules for a full walk, a walk from the last
/// verified checkpoint, and the tail read at every open.
///
/// - sequences consecutive from the start, each entry linked to the one before;
/// - an unkeyed entry's hash is SHA-256 of its link and content; a keyed
///   entry's is the MAC under the audit key (unknown without the key: reported);
/// - once an entry is keyed every later one is, and so is every entry after a
///   head remembered outside the database (a head is written only with the key),
///   so replacing keyed entries by unkeyed ones with recomputed hashes shows;
/// - the entry at the remembered head's sequence has the head's hash, and the
///   chain reaches it: otherwise entries were rewritten or removed from the end.
struct AuditChainCheck {
    let key: AuditKey?
    let head: AuditHead?
    /// Where the walk starts: nil from the genesis, else an entry known good
    /// (the last verified checkpoint), whose hash the first entry must have.
    let start: AuditHead?
    private(set) var expectedSequence: Int64
    private var expectedPrevious: [UInt8]
    private var keyedSeen = false
    /// The newest entry that passed, as a head.
    private(set) var verified: AuditHead?
    private(set) var checked = 0

    init(chain: String, key: AuditKey?, head: AuditHead?, start: AuditHead?) {
        self.key = key
        self.head = head
        let start = start.flatMap { $0.sequence > 0 ? $0 : nil }
        self.start = start
        expectedSequence = start?.sequence ?? 1
        expectedPrevious = AuditEntry.genesisHash
        verified = start ?? .empty(chain: chain)
    }

    /// Checks the next entry; returns the problem, or nil when it passes.
    mutating func check(_ entry: AuditEntry) -> String? {
        if entry.sequence != expectedSequence {
            if let start, expectedSequence == start.sequence {
                return "the entry of the last verified checkpoint (\(start.sequence)) is missing"
            }
            return "expected sequence \(expectedSequence): an entry is missing or inserted"
        }
        let isStart = start != nil && entry.sequence == start!.sequence
        if isStart {
            if !HMACSHA256.equal(entry.hash, start!.hash) {
                return "differs from the last verified checkpoint (rewritten)"
            }
        } else if entry.previousHash != expectedPrevious {
            return "link to the previous entry does not match"
        }
        if entry.keyed {
            guard let key else { return "entry is keyed, and no audit key was given to check it" }
            guard let computed = entry.computedHash(key: key), HMACSHA256.equal(computed, entry.hash) else {
                return "content does not match its MAC (rewritten, or keyed with another audit key)"
            }
            keyedSeen = true
        } else {
            if keyedSeen {
                return "unkeyed entry after the chain was sealed with the audit key (rewritten)"
            }
            if let head, entry.sequence > head.sequence {
                return "unkeyed entry after the checkpointed head \(head.sequence) (rewritten)"
            }
            if entry.computedHash() != entry.hash { return "content does not match its hash" }
        }
        if let head, entry.sequence == head.sequence, !HMACSHA256.equal(entry.hash, head.hash) {
            return "differs from the checkpointed head (rewritten)"
        }
        verified = AuditHead(chain: entry.chain, sequence: entry.sequence, hash: entry.hash)
        expectedPrevious = entry.hash
        expectedSequence += 1
        checked += 1
        return nil
    }

    /// After the last entry: the chain must reach the remembered head and
    /// the start. Returns the first missing sequence and the problem.
    func finish() -> (sequence: Int64, problem: String)? {
        let last = expectedSequence - 1
        if let start, last < start.sequence {
            return (start.sequence, "the chain ends at entry \(last), before the last verified checkpoint "
                        + "\(start.sequence): entries were removed")
        }
        if let head, last < head.sequence {
            return (last + 1, "truncated: the checkpointed head is entry \(head.sequence), the chain ends at "
                        + "entry \(last): \(head.sequence - last) entries were removed from the end")
        }
        return nil
    }
}
