/// Appending to and checking the hash-chained audit trail.
enum AuditTrail {
    /// Numbers, links and seals `draft` after the current last entry, and appends it.
    static func append(_ draft: AuditEntry, to writer: any RegistryWriting) throws {
        let last = try writer.lastAuditLink()
        var entry = draft
        entry.sequence = (last?.sequence ?? 0) + 1
        try writer.append(entry.sealed(after: last?.hash ?? AuditEntry.genesisHash))
    }

    /// Checks every link in sequence order: each entry's previous hash must be
    /// the entry before's hash, sequence numbers must be consecutive, and each
    /// hash must match the content. Reports the first entry that fails.
    static func verify(_ reader: any RegistryReading) throws -> AuditVerification {
        var expectedPrevious = AuditEntry.genesisHash
        var expectedSequence: Int64 = 1
        var checked = 0
        var broken: (Int64, String)?
        try reader.forEachAuditEntry { entry in
            if entry.sequence != expectedSequence {
                broken = (entry.sequence, "expected sequence \(expectedSequence): an entry is missing or inserted")
            } else if entry.previousHash != expectedPrevious {
                broken = (entry.sequence, "link to the previous entry does not match")
            } else if entry.computedHash() != entry.hash {
                broken = (entry.sequence, "content does not match its hash")
            }
            guard broken == nil else { return false }
            checked += 1
            expectedPrevious = entry.hash
            expectedSequence += 1
            return true
        }
        return AuditVerification(entriesChecked: checked, firstBrokenSequence: broken?.0, problem: broken?.1)
    }

    /// Checks the newest `count` entries only: cheap enough for every start,
    /// and it catches a truncated or edited tail, the likeliest damage after
    /// a crash or a careless restore. The full walk is `verify`.
    static func verifyTail(_ entries: [AuditEntry]) -> AuditVerification {
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
