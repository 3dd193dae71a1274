/// Values that differ between regions, set by sscardd.conf. The defaults are
/// the seeds' figures; docs/configuration.md names the source of each.
public struct Policy: Hashable, Codable, Sendable {
    /// How long a temporary loss lasts before it releases itself. Seven days in
    /// the user's regions; one Zhejiang county uses ten.
    public var temporaryLossDays: Int
    /// Below this age a holder acts through a guardian (household register +
    /// the guardian's ID): 未成年人, under 18.
    public var guardianRequiredBelowAge: Int
    /// The channels through which a PIN may be changed. Counter and kiosk in
    /// most regions; Fushun (004 item 85) offers it at the counter only.
    public var pinChangeChannels: Set<Actor.Channel>
    /// The channels through which a PIN may be reset: the counter, where the
    /// holder shows the ID card and the card (003 Q7).
    public var pinResetChannels: Set<Actor.Channel>
    /// The fee for a replacement card, in fen (补换卡 18 元/卡); a generation
    /// upgrade (换代) is free whatever this says.
    public var replacementFeeFen: Int
    /// Working days a card applied for through a mobile channel takes to
    /// produce (承诺时限), and the legal limit (法定时限).
    public var mobileProductionDays: Int
    public var mobileProductionDaysLimit: Int
    /// Which days count as working days for those figures.
    public var workingCalendar: WorkingCalendar

    public init(temporaryLossDays: Int = 7, guardianRequiredBelowAge: Int = 18,
                pinChangeChannels: Set<Actor.Channel> = [.counter, .kiosk],
                pinResetChannels: Set<Actor.Channel> = [.counter],
                replacementFeeFen: Int = 1800,
                mobileProductionDays: Int = 15, mobileProductionDaysLimit: Int = 30,
                workingCalendar: WorkingCalendar = WorkingCalendar()) {
        self.temporaryLossDays = temporaryLossDays
        self.guardianRequiredBelowAge = guardianRequiredBelowAge
        self.pinChangeChannels = pinChangeChannels
        self.pinResetChannels = pinResetChannels
        self.replacementFeeFen = replacementFeeFen
        self.mobileProductionDays = mobileProductionDays
        self.mobileProductionDaysLimit = mobileProductionDaysLimit
        self.workingCalendar = workingCalendar
    }

    /// The fee a replacement for `reason` costs here: free for a generation
    /// upgrade (the reason's own rule), the region's fee otherwise.
    public func replacementFee(for reason: ReplacementReason) -> Int {
        reason.feeFen == 0 ? 0 : replacementFeeFen
    }

    /// The channels through which `operation` may be done, when the region
    /// restricts it; nil when the policy says nothing about it.
    public func channels(for operation: CardOperation) -> Set<Actor.Channel>? {
        switch operation {
        case .changePassword: return pinChangeChannels
        case .resetPassword: return pinResetChannels
        default: return nil
        }
    }
}
