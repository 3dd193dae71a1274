import Foundation
import SSCardValues

/// The span a report covers: local days [from, to), as the daemon's time zone
/// counts them, turned into the instants the audit trail is stamped with.
///
/// Reports are asked for by day ("yesterday at this service point"), not by
/// instant; the time zone is the daemon's (TZ), so every daemon of a shared
/// registry in one region draws the same day boundaries.
public struct ReportPeriod: Hashable, Sendable {
    public var firstDay: CalendarDate
    /// The day after the last day reported.
    public var endDay: CalendarDate
    public var from: Timestamp
    public var to: Timestamp
    /// The width of the timeline's buckets: an hour for up to two days, a day beyond.
    public var bucketMilliseconds: Int64
    /// When the report was made: the backlog's ages and the pending releases are as of now.
    public var now: Timestamp
    /// The start of the local day holding `now`: pending releases are counted by day from it.
    public var today: Timestamp
    public var timeZone: TimeZone

    /// The longest span one report covers: a year and a day.
    public static let maximumDays = 367

    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case emptyRange(from: CalendarDate, to: CalendarDate)
        case tooLong(days: Int)

        public var description: String {
            switch self {
            case let .emptyRange(from, to): return "the period [\(from), \(to)) is empty: to must be after from"
            case let .tooLong(days): return "the period spans \(days) days; at most \(ReportPeriod.maximumDays)"
            }
        }
    }

    public init(from firstDay: CalendarDate, to endDay: CalendarDate, now: Timestamp,
                timeZone: TimeZone = .current) throws(Problem) {
        guard firstDay < endDay else { throw .emptyRange(from: firstDay, to: endDay) }
        self.firstDay = firstDay
        self.endDay = endDay
        self.timeZone = timeZone
        from = Self.start(of: firstDay, in: timeZone)
        to = Self.start(of: endDay, in: timeZone)
        let days = Int((to.milliseconds - from.milliseconds + 3_600_000) / 86_400_000)
        guard days <= Self.maximumDays else { throw .tooLong(days: days) }
        bucketMilliseconds = days <= 2 ? 3_600_000 : 86_400_000
        self.now = now
        today = Self.start(of: Self.day(of: now, in: timeZone), in: timeZone)
    }

    /// Local midnight of `day`.
    public static func start(of day: CalendarDate, in zone: TimeZone) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? Date(timeIntervalSince1970: 0)
        return Timestamp(date)
    }

    /// The local day holding `time`.
    public static func day(of time: Timestamp, in zone: TimeZone) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: time.date)
        return (try? CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1))
            ?? (try! CalendarDate(year: 1970, month: 1, day: 1))
    }

    /// The day after `day`.
    public static func next(_ day: CalendarDate) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day + 1))!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return try! CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// How many timeline buckets the period holds.
    public var bucketCount: Int {
        Int((to.milliseconds - from.milliseconds + bucketMilliseconds - 1) / bucketMilliseconds)
    }

    /// The start of timeline bucket `index`.
    public func bucketStart(_ index: Int) -> Timestamp { from.adding(milliseconds: Int64(index) * bucketMilliseconds) }

    /// An instant as local time with its offset, as reports show it: 2026-12-01T08:00:00+08:00.
    public func local(_ time: Timestamp) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: time.date)
    }
}
