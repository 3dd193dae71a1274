import Foundation
import Synchronization

/// The wall clock, injected everywhere so that tests move time instead of sleeping.
public protocol WallClock: Sendable {
    func now() -> Timestamp
}

/// The real clock: `CLOCK_REALTIME`, which follows NTP and manual steps. That
/// is the point: deadlines are wall-clock facts.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// A clock that tests set and step, forwards or backwards, like an NTP step.
public final class ManualClock: WallClock, Sendable {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp) { current = Mutex(start) }

    public func now() -> Timestamp { current.withLock { $0 } }

    public func set(_ timestamp: Timestamp) { current.withLock { $0 = timestamp } }

    public func advance(milliseconds: Int64) { current.withLock { $0 = $0.adding(milliseconds: milliseconds) } }

    public func advance(days: Int) { current.withLock { $0 = $0.adding(days: days) } }
}
