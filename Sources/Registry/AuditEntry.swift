import SSCardValues

/// One line of the audit trail: who did what, for whom, on what evidence,
/// with what result. Refused attempts are recorded too.
///
/// Entries are chained: `hash` = SHA-256(`previousHash` ‖ canonical content),
/// so editing, inserting or deleting any entry breaks every link after it.
/// That alone stops no one who can write the database: they can recompute
/// the hashes. So entries appended with an audit key (`keyed`) carry
/// HMAC-SHA256(key, `previousHash` ‖ canonical content) instead, and the key
/// is never in the database (docs/lifecycle.md, "Audit trail"). A chain
/// started before keys keeps its unkeyed entries; the first keyed entry
/// seals them, and every entry after a keyed one must be keyed.
///
/// A registry holds one chain per writer: the SQLite engine has the single
/// chain "" (one service point, one file); on PostgreSQL each service point
/// appends to a chain named after it, so daemons never wait on one another's
/// audit appends. `sequence` counts within the chain, from 1; each chain
/// starts from `genesisHash`. The chain's name is not hashed: an entry moved
/// to another chain breaks the links of both, and a chain can be renamed
/// (as the SQLite-to-PostgreSQL copy does) without re-sealing it.
public struct AuditEntry: Hashable, Codable, Sendable {
    /// `failed`: the registry allowed a chip operation and the chip did not
    /// complete it (a wrong PIN, a status word, a card pulled); the registry's
    /// record of the card is unchanged.
    /// `authorised`: the registry allowed a chip operation and the chip is
    /// about to be changed; the entry after it says how that ended (`done`
    /// or `failed`). One without a sequel means the outcome never reached
    /// the registry: the chip may have changed.
    public enum Outcome: String, CaseIterable, Codable, Sendable { case done, refused, failed, authorised }

    /// The chain this entry belongs to ("" for the SQLite engine's single chain).
    public var chain: String
    public var sequence: Int64
    public var at: Timestamp
    public var actor: Actor
    /// What was done or attempted (`AuditAction`: one vocabulary).
    public var action: AuditAction
    public var outcome: Outcome
    public var cardNumber: String?
    public var ssn: String?
    public var applicationId: Int64?
    public var evidence: Evidence
    public var oldState: String?
    public var newState: String?
    /// The operator's reason, or the refusal's explanation.
    public var reason: String?
    /// Extra facts, e.g. whether the electronic credential continues.
    public var detail: String?
    public var previousHash: [UInt8]
    /// SHA-256 for an unkeyed entry, HMAC-SHA256 under the audit key for a keyed one.
    public var hash: [UInt8]
    /// Whether `hash` is a MAC under the audit key. Stored beside the entry,
    /// and covered by the hash (the canonical content's version field).
    public var keyed: Bool

    public init(sequence: Int64, at: Timestamp, actor: Actor, action: AuditAction, outcome: Outcome,
                cardNumber: String? = nil, ssn: String? = nil, applicationId: Int64? = nil,
                evidence: Evidence = .none, oldState: String? = nil, newState: String? = nil,
                reason: String? = nil, detail: String? = nil,
                previousHash: [UInt8] = AuditEntry.genesisHash, hash: [UInt8] = [], chain: String = "",
                keyed: Bool = false) {
        self.chain = chain
        self.keyed = keyed
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.outcome = outcome
        self.cardNumber = cardNumber
        self.ssn = ssn
        self.applicationId = applicationId
        self.evidence = evidence
        self.oldState = oldState
        self.newState = newState
        self.reason = reason
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The link before the first entry.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// The content the hash covers, in a fixed order with separators that
    /// cannot occur in any field (unit separator 0x1F; fields are stripped of it).
    public var canonicalContent: [UInt8] {
        let fields: [String] = [
            keyed ? "v2" : "v1", String(sequence), String(at.milliseconds), actor.id, actor.role.rawValue,
            actor.channel.rawValue, actor.servicePoint, action.rawValue, outcome.rawValue,
            cardNumber ?? "", ssn ?? "", applicationId.map(String.init) ?? "",
            evidence.recorded, evidence.proxySsn?.rawValue ?? "",
            oldState ?? "", newState ?? "", reason ?? "", detail ?? "",
        ]
        var bytes: [UInt8] = []
        for field in fields {
            bytes += field.utf8.filter { $0 != 0x1F }
            bytes.append(0x1F)
        }
        return bytes
    }

    /// This entry's hash given the previous one: SHA-256 when unkeyed, the
    /// MAC under `key` when keyed (nil when keyed and no key is given).
    public func computedHash(key: AuditKey? = nil) -> [UInt8]? {
        guard keyed else { return SHA256.hash(previousHash + canonicalContent) }
        guard let key else { return nil }
        return key.mac(previousHash + canonicalContent)
    }

    /// Returns a copy linked to `previous` with its hash filled in: keyed
    /// under `key` when one is given, unkeyed otherwise.
    public func sealed(after previous: [UInt8], key: AuditKey? = nil) -> AuditEntry {
        var copy = self
        copy.previousHash = previous
        copy.keyed = key != nil
        copy.hash = copy.computedHash(key: key) ?? []
        return copy
    }
}

/// The result of checking the audit chain.
public struct AuditVerification: Hashable, Codable, Sendable {
    public var entriesChecked: Int
    /// The sequence number of the first entry whose link or hash is wrong.
    public var firstBrokenSequence: Int64?
    public var problem: String?
    /// The chain holding that entry ("" for the single chain of the SQLite engine).
    public var firstBrokenChain: String?
    /// How many chains were walked.
    public var chainsChecked: Int
    /// When intact: the newest entry of the verifying daemon's own chain, the
    /// next walk's starting checkpoint.
    public var verifiedHead: AuditHead?

    public init(entriesChecked: Int, firstBrokenSequence: Int64?, problem: String?,
                firstBrokenChain: String? = nil, chainsChecked: Int = 1, verifiedHead: AuditHead? = nil) {
        self.entriesChecked = entriesChecked
        self.verifiedHead = firstBrokenSequence == nil ? verifiedHead : nil
        self.firstBrokenSequence = firstBrokenSequence
        self.problem = problem
        self.firstBrokenChain = firstBrokenSequence == nil ? nil : firstBrokenChain
        self.chainsChecked = chainsChecked
    }

    public var isIntact: Bool { firstBrokenSequence == nil }
}
