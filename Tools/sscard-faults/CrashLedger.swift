import Foundation

/// What one crash client knows about one of its cards: the last position the
/// daemon acknowledged, and the call it was waiting on when the daemon died.
/// Each card belongs to one client, so nobody else moves it.
struct CardLedger {
    let cardNumber: String
    var acknowledged: CardPosition
    /// The deadline the last acknowledged temporary-loss report answered with.
    var lossExpiresAt: String?
    /// Audit entries about the card (changes and refused attempts) the daemon
    /// acknowledged since the last check.
    var acknowledgedEntries = 0
    /// Audit entries counted by the last check.
    var verifiedEntries: Int
    /// The call sent and not answered: its move and when it went out.
    var inFlight: (move: CardMove, sentAt: Date)?

    init(cardNumber: String, position: CardPosition, entries: Int) {
        self.cardNumber = cardNumber
        self.acknowledged = position
        self.verifiedEntries = entries
    }
}

/// What one crash client knows about its application in production.
struct ApplicationLedger {
    let holder: FaultHolder
    /// nil until Apply is acknowledged.
    var applicationId: Int64?
    var stage: String?
    /// The stage of the unanswered call ("accepted" for an unanswered Apply).
    var inFlight: String?

    init(holder: FaultHolder) { self.holder = holder }

    static let stages = ["accepted", "reviewed", "ordered", "producing", "produced"]

    /// The next stage to ask for, or nil once produced.
    var nextStage: String? {
        guard let stage, let index = Self.stages.firstIndex(of: stage), index + 1 < Self.stages.count else { return nil }
        return Self.stages[index + 1]
    }
}

/// The round's totals a check reports.
struct CrashTally {
    var acknowledged = 0
    var inFlight = 0
    var inFlightApplied = 0
    var problems: [String] = []
}
