/// Values that differ between regions and are set by configuration.
public struct Policy: Hashable, Codable, Sendable {
    /// How long a temporary loss lasts before it releases itself. Seven days in
    /// the user's regions; one Zhejiang county uses ten.
    public var temporaryLossDays: Int
    /// Below this age a holder acts through a guardian (household register +
    /// the guardian's ID).
    public var guardianRequiredBelowAge: Int

    public init(temporaryLossDays: Int = 7, guardianRequiredBelowAge: Int = 16) {
        self.temporaryLossDays = temporaryLossDays
        self.guardianRequiredBelowAge = guardianRequiredBelowAge
    }
}
