/// Appending to and checking the hash-chained audit trail.
public enum AuditTrail {
    /// Numbers, links and seals `draft` after the last entry of the writer's
    /// chain, and appends it: keyed when the writer has the audit key. The
    /// engine makes the read of the last link and the append atomic per chain
    /// (SQLite: one writer; PostgreSQL: the chain's head row is locked until commit).
    /// Returns the entry's sequence.
    @discardableResult
    static func append(_ draft: AuditEntry, to writer: any RegistryWriting) throws -> Int64 {
        let last = try writer.lastAuditLink()
        var entry = draft
        entry.chain = writer.auditChain
        entry.sequence = (last?.sequence ?? 0) + 1
        try writer.append(entry.sealed(after: last?.hash ?? AuditEntry.genesisHash, key: writer.auditKey))
        return entry.sequence
    }

    /// What a verification walks and what it holds the chain to.
    public struct Scope: Sendable {
        /// The chain `head` and `start` belong to (the reader's own chain).
        public var chain: String
        /// A head remembered outside the database: the chain must reach it
        /// with the same hash at its sequence, and be keyed after it.
        public var head: AuditHead?
        /// Walk `chain` from this entry, known good (the last verified
        /// checkpoint), instead of from the genesis; ignored with `allChains`.
        public var start: AuditHead?
        /// Every chain of the registry from its genesis (PostgreSQL holds one per service point).
        public var allChains: Bool

        public init(chain: String, head: AuditHead? = nil, start: AuditHead? = nil, allChains: Bool = true) {
            self.chain = chain
            self.head = head
            self.start = start
            self.allChains = allChains
        }
    }

    /// How often `verify` reports progress, in entries.
    public static let progressInterval = 1024

    /// Checks the chains `scope` names, entry by entry (`AuditChainCheck`),
    /// and reports the first entry that fails; `progress` hears the count of
    /// entries checked every `progressInterval` entries, and may throw to
    /// abandon the walk (its caller went away). `entryCheck` holds an intact
    /// entry to what it sealed outside the trail (a batch's produced cards):
    /// a problem it names fails that entry.
    public static func verify(_ reader: any RegistryReading, scope: Scope,
                              progress: (Int) throws -> Void = { _ in },
                              entryCheck: (AuditEntry) throws -> String? = { _ in nil }) throws -> AuditVerification {
        var check: AuditChainCheck?
        var currentChain: String?
        var checked = 0
        var chains = 0
        var broken: (Int64, String, String)?
        var ownHead: AuditHead?
        var sawOwnChain = false

        func begin(_ chain: String) {
            currentChain = chain
            chains += 1
            let own = chain == scope.chain
            sawOwnChain = sawOwnChain || own
            check = AuditChainCheck(chain: chain, key: reader.auditKey, head: own ? scope.head : nil,
                                    start: own && !scope.allChains ? scope.start : nil)
        }
        func end() -> Bool {
            guard let check, let chain = currentChain else { return true }
            if chain == scope.chain { ownHead = check.verified }
            if let (sequence, problem) = check.finish() {
                broken = (sequence, problem, chain)
                return false
            }
            return true
        }
        let body: (AuditEntry) throws -> Bool = { entry in
            if entry.chain != currentChain {
                guard end() else { return false }
                begin(entry.chain)
            }
            if let problem = try check!.check(entry) ?? entryCheck(entry) {
                broken = (entry.sequence, problem, entry.chain)
                return false
            }
            checked += 1
            if checked % progressInterval == 0 { try progress(checked) }
            return true
        }
        if scope.allChains {
            try reader.forEachAuditEntry(body)
        } else {
            try reader.forEachAuditEntry(inChain: scope.chain, from: scope.start?.sequence ?? 1, body)
        }
        if broken == nil, end(), !sawOwnChain {
            // The own chain has no entries at all (or none from the start on).
            begin(scope.chain)
            _ = end()
        }
        return AuditVerification(entriesChecked: checked, firstBrokenSequence: broken?.0, problem: broken?.1,
                                 firstBrokenChain: broken?.2, chainsChecked: max(chains, 1),
                                 verifiedHead: broken == nil ? ownHead : nil)
    }

    /// Every chain from its genesis, against no remembered head, with every
    /// production batch's seal and entry checked (`BatchAccounting`): the
    /// full check at open, a registry's copy and `Registry.verifyAudit()`.
    public static func verify(_ reader: any RegistryReading) throws -> AuditVerification {
        try BatchAccounting.verify(reader, scope: Scope(chain: reader.auditChain))
    }

    /// Checks the newest `count` entries only: cheap enough for every start,
    /// and it catches an edited tail or a keyed chain opened without its key.
    /// Removal from the end needs a head remembered outside the database
    /// (`verify` with `Scope.head`). `entries` are the newest of one chain, oldest first.
    public static func verifyTail(_ entries: [AuditEntry], key: AuditKey?) -> AuditVerification {
        guard let first = entries.first else {
            return AuditVerification(entriesChecked: 0, firstBrokenSequence: nil, problem: nil)
        }
        // The first entry is taken as known good for its link only; its own
        // hash is still checked against its content.
        var check = AuditChainCheck(chain: first.chain, key: key, head: nil,
                                    start: AuditHead(chain: first.chain, sequence: first.sequence, hash: first.hash))
        for entry in entries {
            if let problem = check.check(entry) {
                return AuditVerification(entriesChecked: check.checked, firstBrokenSequence: entry.sequence,
                                         problem: problem)
            }
        }
        return AuditVerification(entriesChecked: check.checked, firstBrokenSequence: nil, problem: nil)
    }
}
