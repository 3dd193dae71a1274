import Foundation
import SSCardValues

/// Which days count as working days (工作日) for production deadlines:
/// Monday to Friday, except the listed holidays, plus the listed adjusted
/// working days (调休: a Saturday or Sunday worked in place of a holiday).
///
/// Without a holiday file the calendar is weekdays only; the file's format is
/// in docs/configuration.md ("Working days") and `parse(_:)`.
public struct WorkingCalendar: Hashable, Codable, Sendable {
    public var holidays: Set<CalendarDate>
    public var adjustedWorkingDays: Set<CalendarDate>

    public init(holidays: Set<CalendarDate> = [], adjustedWorkingDays: Set<CalendarDate> = []) {
        self.holidays = holidays
        self.adjustedWorkingDays = adjustedWorkingDays
    }

    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if adjustedWorkingDays.contains(date) { return true }
        if holidays.contains(date) { return false }
        return date.weekday <= 5
    }

    /// The `count`th working day after `start`, the day of application not
    /// counted (不含申请日当天): the date a card is promised by.
    public func adding(workingDays count: Int, to start: CalendarDate) -> CalendarDate {
        var date = start
        var remaining = max(0, count)
        while remaining > 0 {
            date = date.next
            if isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }

    /// A line of the holiday file that could not be read.
    public struct LineError: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Reads a holiday file: one `YYYY-MM-DD holiday` or `YYYY-MM-DD working`
    /// per line; `#` starts a comment, blank lines are ignored. A date listed
    /// twice, or both ways, is an error: the file is the region's calendar and
    /// a contradiction in it must not be resolved by guessing.
    public static func parse(_ text: String) throws(LineError) -> WorkingCalendar {
        var calendar = WorkingCalendar()
        var seen: [CalendarDate: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else {
                throw LineError(line: number, reason: "expected 'YYYY-MM-DD holiday' or 'YYYY-MM-DD working'")
            }
            let date: CalendarDate
            do {
                date = try CalendarDate(String(fields[0]))
            } catch {
                throw LineError(line: number, reason: "'\(fields[0])' is not a date (YYYY-MM-DD): \(error)")
            }
            if let first = seen[date] {
                throw LineError(line: number, reason: "\(date) was already listed on line \(first)")
            }
            seen[date] = number
            switch fields[1] {
            case "holiday": calendar.holidays.insert(date)
            case "working": calendar.adjustedWorkingDays.insert(date)
            default: throw LineError(line: number, reason: "'\(fields[1])' must be holiday or working")
            }
        }
        return calendar
    }
}

extension CalendarDate {
    /// The day after this one.
    var next: CalendarDate {
        if CalendarDate.isValid(year: year, month: month, day: day + 1) {
            return try! CalendarDate(year: year, month: month, day: day + 1)
        }
        if month < 12 { return try! CalendarDate(year: year, month: month + 1, day: 1) }
        return try! CalendarDate(year: year + 1, month: 1, day: 1)
    }

    /// ISO weekday: 1 Monday … 7 Sunday (Zeller's congruence on the proleptic
    /// Gregorian calendar).
    var weekday: Int {
        var y = year
        var m = month
        if m < 3 { m += 12; y -= 1 }
        let k = y % 100
        let j = y / 100
        let h = (day + (13 * (m + 1)) / 5 + k + k / 4 + j / 4 + 5 * j) % 7  // 0 Saturday … 6 Friday
        return (h + 5) % 7 + 1
    }
}
