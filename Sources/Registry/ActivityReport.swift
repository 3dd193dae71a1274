/// What a service point did and what waits, for one period: the figures of
/// `sscardctl report`, its JSON, CSV and HTML page alike. Computed by
/// aggregate queries in the store (`ReportQuery`), never by reading the
/// audit trail into memory.
public struct ActivityReport: Hashable, Sendable {
    /// Audit entries of the period, counted by what, how it ended, through
    /// which channel and at which service point.
    public struct OperationCount: Hashable, Sendable {
        public var action: String
        public var outcome: String
        public var channel: String
        public var servicePoint: String
        public var count: Int64
    }

    /// One bucket of the timeline: operations done, loss reports and releases.
    public struct TimelineBucket: Hashable, Sendable {
        public var start: Timestamp
        public var operations: Int64
        public var losses: Int64
        public var releases: Int64
    }

    /// Temporary losses that will release themselves on one local day
    /// (`dayOffset` days after today; 0 holds those already due too).
    public struct PendingReleaseDay: Hashable, Sendable {
        public var dayOffset: Int
        public var count: Int64
    }

    /// Applications waiting at one stage, by how long ago they were accepted.
    public struct BacklogCount: Hashable, Sendable {
        public var stage: ApplicationStage
        public var age: BacklogAge
        public var count: Int64
    }

    /// Replacement applications of the period by how their fee was settled
    /// (`paid`: charged, `waived`, `free`), with the fees' sum.
    public struct FeeTotal: Hashable, Sendable {
        public var settlement: String
        public var count: Int64
        public var totalFen: Int64
    }

    public var period: ReportPeriod
    /// The service point the figures are limited to; nil for every service point.
    public var servicePoint: String?
    public var operations: [OperationCount]
    public var timeline: [TimelineBucket]
    public var pendingReleases: [PendingReleaseDay]
    public var backlog: [BacklogCount]
    public var fees: [FeeTotal]

    /// The stages a production backlog is made of: accepted and not yet collected.
    public static let backlogStages: [ApplicationStage] = [.accepted, .reviewed, .ordered, .producing, .produced]

    /// Actions the timeline counts as loss reports and as releases.
    public static let lossActions = [AuditAction(.reportTemporaryLoss), AuditAction(.reportFormalLoss)]
    public static let releaseActions = [AuditAction(.releaseLoss), AuditAction(.autoRelease)]
}

/// How long an application has waited since it was accepted.
public enum BacklogAge: String, CaseIterable, Hashable, Sendable {
    case underOneDay, oneToThreeDays, threeToSevenDays, sevenToThirtyDays, overThirtyDays

    /// Upper bounds in days, in order; the last bucket has none.
    static let boundsInDays: [Int64] = [1, 3, 7, 30]

    init(index: Int) { self = Self.allCases[max(0, min(index, Self.allCases.count - 1))] }
}
