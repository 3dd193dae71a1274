import SSCardValues

/// Why a card is cancelled (注销) at the counter.
public enum CancellationReason: String, CaseIterable, Codable, Sendable {
    /// The holder asks for it, showing their identity document.
    case holderRequest
    /// The holder died: a relative cancels, with the civil registry's proof.
    case death
    /// The holder emigrated (settled abroad): with the civil registry's proof.
    case emigration
    /// Anything else: the request's reason text says what.
    case other

    /// The name people read, from the one vocabulary in SSCardValues.
    public var chinese: String { ServiceVocabulary.cancellationReason.chinese(rawValue) }
}

/// The documents a cancellation needs, by reason. Pure: every row is tested
/// in CancellationRulesTests.
///
/// Cancellation is a holder's counter service (the seeds), done by operators;
/// it is terminal, so the rules ask for more than a loss report does: after a
/// death someone other than the holder acts, so that person's own ID
/// (`proxySsn`) and the proof of death are both required.
public enum CancellationRules {
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case identityDocumentRequired(reason: CancellationReason)
        case civilRegistryProofRequired(reason: CancellationReason)
        case relativeIdRequired
        case reasonTextRequired

        public var description: String {
            switch self {
            case let .identityDocumentRequired(reason):
                return "cancellation (\(reason.rawValue)) needs the holder's identity document"
            case let .civilRegistryProofRequired(reason):
                return "cancellation (\(reason.rawValue)) needs the civil registry's proof (civilRegistryProof)"
            case .relativeIdRequired:
                return "cancellation after death needs the ID of the relative who acts (proxySsn)"
            case .reasonTextRequired:
                return "cancellation for reason other needs a reason text"
            }
        }
    }

    /// Nil when `evidence` and `reasonText` are enough for `reason`.
    public static func check(_ reason: CancellationReason, evidence: Evidence, reasonText: String?) -> Refusal? {
        switch reason {
        case .holderRequest:
            return evidence.showsIdentity ? nil : .identityDocumentRequired(reason: reason)
        case .death:
            if !evidence.shows(.civilRegistryProof) { return .civilRegistryProofRequired(reason: reason) }
            return evidence.proxySsn == nil ? .relativeIdRequired : nil
        case .emigration:
            return evidence.shows(.civilRegistryProof) ? nil : .civilRegistryProofRequired(reason: reason)
        case .other:
            if !evidence.showsIdentity { return .identityDocumentRequired(reason: reason) }
            return (reasonText ?? "").isEmpty ? .reasonTextRequired : nil
        }
    }
}
