import SSCardValues

/// Production progress of an application (申领 / 补换领): accepted → reviewed
/// → ordered → producing → produced → delivered, or rejected with a reason.
public enum ApplicationStage: String, CaseIterable, Codable, Sendable {
    case accepted, reviewed, ordered, producing, produced, delivered, rejected

    /// The one stage that may follow each stage; rejection is possible until
    /// the card exists.
    public static let table: [ApplicationStage: Set<ApplicationStage>] = [
        .accepted: [.reviewed, .rejected],
        .reviewed: [.ordered, .rejected],
        .ordered: [.producing, .rejected],
        .producing: [.produced, .rejected],
        .produced: [.delivered],
        .delivered: [],
        .rejected: [],
    ]

    public func canAdvance(to next: ApplicationStage) -> Bool {
        Self.table[self, default: []].contains(next)
    }

    /// A card can be bound to its chip once it has been produced.
    public var allowsBinding: Bool { self == .produced || self == .delivered }

    /// The name people read, from the one vocabulary in SSCardValues.
    public var chinese: String { ServiceVocabulary.applicationStage.chinese(rawValue) }
}
