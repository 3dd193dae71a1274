/// The registry's figures for the metrics file: cards by state (the whole
/// registry's, so the same on every daemon of a shared registry) and the
/// length of the audit chain this daemon appends to (its own on PostgreSQL).
public struct RegistryFigures: Sendable, Equatable {
    /// Cards in each state; every state is present, zero when no card is in it.
    public var cardsByState: [CardState: Int]
    /// The chain's name: "" for the SQLite engine's single chain, the service point's on PostgreSQL.
    public var auditChain: String
    /// Entries in that chain: its newest entry's sequence (sequences start at 1).
    public var auditChainLength: Int64

    public init(cardsByState: [CardState: Int], auditChain: String, auditChainLength: Int64) {
        self.cardsByState = cardsByState
        self.auditChain = auditChain
        self.auditChainLength = auditChainLength
    }
}

extension Registry {
    /// Both figures from one snapshot, on a reader: the writer never waits
    /// for it. The count scans the cards table (no index on state), which is
    /// why the metrics file is written at an interval, not per call.
    public func figures() throws -> RegistryFigures {
        try store.read(snapshot: true) { reader in
            var counts = try reader.cardCountsByState()
            for state in CardState.allCases where counts[state] == nil { counts[state] = 0 }
            return RegistryFigures(cardsByState: counts, auditChain: reader.auditChain,
                                   auditChainLength: try reader.lastAuditLink()?.sequence ?? 0)
        }
    }
}
