/// Appending to and checking the hash-chained audit trail.
public enum AuditTrail {
    /// Numbers, links and seals `draft` after the last entry of the writer's
    /// chain, and appends it. The engine makes the read of the last link and
    /// the append atomic per chain (SQLite: one writer; PostgreSQL: the
    /// chain's head row is locked until commit).
    static func append(_ draft: AuditEntry, to writer: any RegistryWriting) throws {
        let last = try writer.lastAuditLink()
        var entry = draft
        entry.chain = writer.auditChain
        entry.sequence = (last?.sequence ?? 0) + 1
        try writer.append(entry.sealed(after: last?.hash ?? AuditEntry.genesisHash))
    }

    /// Checks every link of every chain in sequence order: each entry's
    /// previous hash must be the entry before's hash (the genesis hash for a
    /// chain's first), sequence numbers must be consecutive from 1, and each
    /// hash must match the content. Reports the first entry that fails.
    public static func verify(_ reader: any RegistryReading) throws -> AuditVerification {
        var expectedPrevious = AuditEntry.genesisHash
        var expectedSequence: Int64 = 1
        var checked = 0
        var chains = 0
        var currentChain: String?
        var broken: (Int64, String, String)?
        try reader.forEachAuditEntry { entry in
            if entry.chain != currentChain {
                // Chains come one after another, each in sequence order.
                currentChain = entry.chain
                chains += 1
                expectedPrevious = AuditEntry.genesisHash
                expectedSequence = 1
            }
            if entry.sequence != expectedSequence {
                broken = (entry.sequence, "expected sequence \(expectedSequence): an entry is missing or inserted", entry.chain)
            } else if entry.previousHash != expectedPrevious {
                broken = (entry.sequence, "link to the previous entry does not match", entry.chain)
            } else if entry.computedHash() != entry.hash {
                broken = (entry.sequence, "content does not match its hash", entry.chain)
            }
            guard broken == nil else { return false }
            checked += 1
            expectedPrevious = entry.hash
            expectedSequence += 1
            return true
        }
        return AuditVerification(entriesChecked: checked, firstBrokenSequence: broken?.0, problem: broken?.1,
                                 firstBrokenChain: broken?.2, chainsChecked: chains)
    }

    /// Checks the newest `count` entries only: cheap enough for every start,
    /// and it catches a truncated or edited tail, the likeliest damage after
    /// a crash or a careless restore. The full walk is `verify`. `entries`
    /// are the newest of one chain, oldest first.
    public static func verifyTail(_ entries: [AuditEntry]) -> AuditVerification {
        var checked = 0
        for (index, entry) in entries.enumerated() {
            if index > 0 {
                let previous = entries[index - 1]
                if entry.sequence != previous.sequence + 1 {
                    return AuditVerification(entriesChecked: checked, firstBrokenSequence: entry.sequence,
                                             problem: "sequence gap after \(previous.sequence)")
                }
                if entry.previousHash != previous.hash {
                    return AuditVerification(entriesChecked: checked, firstBrokenSequence: entry.sequence,
                                             problem: "link to the previous entry does not match")
                }
            }
            if entry.computedHash() != entry.hash {
                return AuditVerification(entriesChecked: checked, firstBrokenSequence: entry.sequence,
                                         problem: "content does not match its hash")
            }
            checked += 1
        }
        return AuditVerification(entriesChecked: checked, firstBrokenSequence: nil, problem: nil)
    }
}
