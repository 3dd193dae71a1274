import SSCardValues

/// What a registry call can fail with. Every case carries what the caller
/// needs to act on it, and never a PIN; numbers appear masked in `description`.
public enum RegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidValue(ValueError)
    case cardNotFound(CardNumber)
    case holderNotFound(SocialSecurityNumber)
    case applicationNotFound(Int64)
    /// The lifecycle refused the operation; the audit trail records the attempt.
    case refused(CardNumber, LifecycleRefusal)
    /// A rule about holders, applications or binding was broken.
    case ruleViolated(rule: Rule, detail: String)
    /// The store failed (I/O error, read-only, lost connection); nothing was applied.
    case storeFailure(String)
    /// The file system holding the registry is full; nothing was applied, and
    /// the same call succeeds once space is freed (no restart needed). Apart
    /// from `storeFailure` so that clients and operators can tell "free some
    /// space" from "something is broken".
    case storageFull(String)

    public enum Rule: String, Hashable, Sendable, Codable {
        case evidenceRequired
        case guardianRequired
        case holderAlreadyHasCard
        case applicationInProgress
        case applicationStage
        case applicationAlreadyBound
        case chipAlreadyBound
        case cardNumberInUse
        case identityMismatch
        case keyInformation
        case replacedCardUnusable
        /// The region does not offer the operation through the caller's channel (Policy).
        case channelNotOffered
        /// The instant-issue flow's own rules: at the counter, for instant applications, collected there.
        case instantIssue
        /// The replacement reason does not fit the card or the holder (`ReplacementRules`).
        case replacementReason
        case feeWaiver
        /// A cancellation's reason kind and documents (`CancellationRules`).
        case cancellationEvidence
        /// A change would break `HolderInvariants`; nothing was applied.
        case holderInvariant
        /// The bank function cannot take the recorded event in its state.
        case bankFunction
    }

    /// A refusal of the request (as opposed to a failure of the store): these
    /// are recorded in the audit trail as refused attempts.
    public var isRefusal: Bool {
        switch self {
        case .invalidValue, .storeFailure, .storageFull: return false
        case .cardNotFound, .holderNotFound, .applicationNotFound, .refused, .ruleViolated: return true
        }
    }

    public var description: String {
        switch self {
        case let .invalidValue(error): return error.description
        case let .cardNotFound(card): return "no card \(card) in the registry"
        case let .holderNotFound(ssn): return "no holder \(ssn) in the registry"
        case let .applicationNotFound(id): return "no application \(id)"
        case let .refused(card, refusal): return "card \(card): \(refusal)"
        case let .ruleViolated(rule, detail): return "\(rule.rawValue): \(detail)"
        case let .storeFailure(message): return "registry store failed: \(message)"
        case let .storageFull(message): return "registry storage full: \(message)"
        }
    }
}
