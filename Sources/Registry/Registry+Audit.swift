extension Registry {
    /// Walks every audit chain from its genesis and reports the first broken link.
    public func verifyAudit() throws -> AuditVerification {
        try store.read(snapshot: true) { try AuditTrail.verify($0) }
    }

    /// Verifies this registry's own chain against `head`, a head remembered
    /// outside the database (nil: none known), either from `start` — the last
    /// verified checkpoint — onwards, or with `whole` every chain from its
    /// genesis. `progress` hears the number of entries checked so far; a throw
    /// from it abandons the walk.
    ///
    /// Runs in one snapshot, so entries appended meanwhile are not part of it;
    /// the reply's `verifiedHead` is the next walk's starting point.
    public func verifyAudit(head: AuditHead?, start: AuditHead?, whole: Bool,
                            progress: (Int) throws -> Void = { _ in }) throws -> AuditVerification {
        try store.read(snapshot: true) { reader in
            let scope = AuditTrail.Scope(chain: reader.auditChain, head: head, start: whole ? nil : start,
                                         allChains: whole)
            return try BatchAccounting.verify(reader, scope: scope, progress: progress)
        }
    }

    /// The newest entry of this registry's own chain, as a head to remember
    /// outside the database (the empty head while the chain has no entries).
    public func auditHead() throws -> AuditHead {
        try store.read(snapshot: false) { reader in
            guard let link = try reader.lastAuditLink() else { return .empty(chain: reader.auditChain) }
            return AuditHead(chain: reader.auditChain, sequence: link.sequence, hash: link.hash)
        }
    }

    /// The cheap check a start makes against the head file: does the chain
    /// still reach `head`, with the same hash at its sequence? Nil when it
    /// does; otherwise the first sequence that fails and what is wrong. Reads
    /// one entry, whatever the chain's length.
    public func checkAuditHead(_ head: AuditHead) throws -> (sequence: Int64, problem: String)? {
        try store.read(snapshot: true) { reader in
            guard head.sequence > 0 else { return nil }
            let last = try reader.lastAuditLink()?.sequence ?? 0
            if last < head.sequence {
                return (last + 1, "truncated: the checkpointed head is entry \(head.sequence), the chain ends at entry "
                            + "\(last): \(head.sequence - last) entries were removed from the end")
            }
            var found: AuditEntry?
            try reader.forEachAuditEntry(inChain: reader.auditChain, from: head.sequence) { entry in
                found = entry
                return false
            }
            guard let found, found.sequence == head.sequence else {
                return (head.sequence, "the entry of the checkpointed head (\(head.sequence)) is missing")
            }
            if !HMACSHA256.equal(found.hash, head.hash) {
                return (head.sequence, "differs from the checkpointed head \(head.text) (rewritten)")
            }
            return nil
        }
    }
}
