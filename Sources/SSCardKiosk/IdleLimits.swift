/// How long a screen waits for the holder before the session ends, as field
/// kiosks set them: reading a screen or choosing from a menu is quick (30 s),
/// typing a PIN takes longer (60 s). The last `warning` seconds show a
/// countdown with a "more time" button.
public struct IdleLimits: Equatable, Sendable {
    public var reading: Double
    public var pinEntry: Double
    public var warning: Double

    public init(reading: Double = 30, pinEntry: Double = 60, warning: Double = 10) {
        self.reading = reading
        self.pinEntry = pinEntry
        self.warning = warning
    }

    /// The limit for a screen; nil where nobody is being waited for (no
    /// session, or a call under way that the holder is waiting on).
    public func limit(for screen: Screen) -> Double? {
        switch screen {
        case .welcome, .unavailable, .loading, .working: return nil
        case .pinEntry: return pinEntry
        default: return reading
        }
    }

    /// The warning shows for at most half of a short limit, so that a 2 s
    /// limit still shows its screen before the warning.
    public func warning(for limit: Double) -> Double { min(warning, limit / 2) }
}
