/// Where an application was made, which decides how its card is produced
/// and when it is expected (domain.md, 申领): at a counter with an
/// instant-issue machine the card is made at once (即时制卡); otherwise the
/// bank makes it; through an app or website it takes the policy's working days.
public enum ApplicationChannel: String, CaseIterable, Codable, Sendable {
    /// The counter's instant-issue machine: produced, bound and activated while the holder waits.
    case instant
    /// Accepted at a counter, made by the bank.
    case counter
    /// Applied for through an app or website (掌上办 / 网上办).
    case mobile
}

/// How the card reaches the holder: collected at a counter or branch, or mailed.
public enum Delivery: Hashable, Codable, Sendable {
    /// Collected in person at the named counter or bank branch.
    case collect(place: String)
    /// Mailed to the address.
    case mail(address: String)

    /// How the applications table keeps it: `collect:PLACE` or `mail:ADDRESS`.
    public var recorded: String {
        switch self {
        case let .collect(place): return "collect:" + place
        case let .mail(address): return "mail:" + address
        }
    }

    public init?(recorded text: String) {
        if text.hasPrefix("collect:") {
            self = .collect(place: String(text.dropFirst(8)))
        } else if text.hasPrefix("mail:") {
            self = .mail(address: String(text.dropFirst(5)))
        } else {
            return nil
        }
    }
}
