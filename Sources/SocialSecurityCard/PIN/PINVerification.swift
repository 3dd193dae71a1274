/// What the card said to a PIN. A wrong or blocked PIN is an everyday answer
/// at the counter, not a failure of the software, so it is a value.
public enum PINVerification: Sendable, Hashable, CustomStringConvertible {
    /// `9000`.
    case verified
    /// `63Cx`: wrong PIN, x tries left.
    case wrong(triesLeft: Int)
    /// `6983`: no tries left; needs PIN unblock / reload at the counter.
    case blocked

    public var description: String {
        switch self {
        case .verified: return "verified"
        case let .wrong(triesLeft): return "wrong PIN, \(triesLeft) tries left"
        case .blocked: return "PIN blocked"
        }
    }
}
