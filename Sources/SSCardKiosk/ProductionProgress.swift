/// One application in production, as the holder sees it.
public struct ProductionProgress: Equatable, Sendable {
    public var kind: String
    public var stage: String
    public var expectedDate: String?
    /// Where to collect the card, when it is collected.
    public var collectAt: String?

    public init(kind: String, stage: String, expectedDate: String? = nil, collectAt: String? = nil) {
        self.kind = kind
        self.stage = stage
        self.expectedDate = expectedDate
        self.collectAt = collectAt
    }
}
