import SSCardValues

/// A chain's head as it was at some moment: its newest entry's sequence and
/// hash (the MAC, once the chain is keyed).
///
/// Kept outside the database — sscardd's head file and the journal — because
/// the database cannot vouch for itself: entries deleted from the end leave a
/// chain that links perfectly, and only a head remembered elsewhere says it
/// used to be longer. Given a head, a verification reports a chain that ends
/// before it (truncation) or whose entry at its sequence has another hash
/// (rewriting), and requires every entry after it to be keyed: a head is
/// only ever written by a daemon that holds the key.
public struct AuditHead: Hashable, Codable, Sendable, CustomStringConvertible {
    public var chain: String
    public var sequence: Int64
    public var hash: [UInt8]

    public init(chain: String, sequence: Int64, hash: [UInt8]) {
        self.chain = chain
        self.sequence = sequence
        self.hash = hash
    }

    /// The head of an empty chain.
    public static func empty(chain: String) -> AuditHead {
        AuditHead(chain: chain, sequence: 0, hash: AuditEntry.genesisHash)
    }

    /// `sequence:HEX`, the form the journal shows and VerifyAudit takes back.
    public var text: String { "\(sequence):\(Hex.encode(hash).lowercased())" }

    /// Parses `text`'s form; nil when malformed.
    public init?(chain: String, text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0,
              let hash = Hex.decode(String(parts[1])), hash.count == 32 else { return nil }
        self.init(chain: chain, sequence: sequence, hash: hash)
    }

    public var description: String { "chain \"\(chain)\" head \(text)" }
}
