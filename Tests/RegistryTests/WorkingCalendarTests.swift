@testable import Registry
import SSCardValues
import Testing

/// Working days for production deadlines: weekdays, the holiday file's
/// holidays off, its adjusted working days on; the day of application not counted.
@Suite struct WorkingCalendarTests {
    static func date(_ text: String) -> CalendarDate { try! CalendarDate(text) }

    /// (date, ISO weekday), checked against Python's datetime.
    static let weekdays: [(String, Int)] = [
        ("2026-11-24", 2), ("2000-01-01", 6), ("2024-02-29", 4), ("1900-03-01", 4), ("2026-12-31", 4),
    ]

    @Test(arguments: weekdays.indices)
    func weekdaysAreRight(_ index: Int) {
        #expect(Self.date(Self.weekdays[index].0).weekday == Self.weekdays[index].1)
    }

    static let golden = WorkingCalendar(
        holidays: Set((1...7).map { date(String(format: "2026-10-%02d", $0)) }),
        adjustedWorkingDays: [date("2026-10-10")])

    /// (calendar, start, working days, promised by).
    static let additions: [(WorkingCalendar, String, Int, String)] = [
        (WorkingCalendar(), "2026-11-24", 15, "2026-12-15"),   // the mobile default
        (WorkingCalendar(), "2026-11-24", 30, "2027-01-05"),   // the legal limit, across the new year
        (WorkingCalendar(), "2026-11-27", 1, "2026-11-30"),    // Friday + 1: Monday
        (WorkingCalendar(), "2026-11-28", 0, "2026-11-28"),    // instant: the day itself
        (golden, "2026-09-30", 5, "2026-10-13"),               // National Day off, Saturday the 10th worked
    ]

    @Test(arguments: additions.indices)
    func workingDaysAreCountedAfterTheDayOfApplication(_ index: Int) {
        let (calendar, start, days, expected) = Self.additions[index]
        #expect(calendar.adding(workingDays: days, to: Self.date(start)) == Self.date(expected))
    }

    @Test func theFileListsHolidaysAndAdjustedWorkingDays() throws {
        let text = """
            # 2026 National Day
            2026-10-01 holiday
            2026-10-02\tholiday   # Friday
            2026-10-10 working

            """
        let calendar = try WorkingCalendar.parse(text)
        #expect(calendar.holidays == [Self.date("2026-10-01"), Self.date("2026-10-02")])
        #expect(calendar.adjustedWorkingDays == [Self.date("2026-10-10")])
        #expect(!calendar.isWorkingDay(Self.date("2026-10-02")))
        #expect(calendar.isWorkingDay(Self.date("2026-10-10")))
        #expect(!calendar.isWorkingDay(Self.date("2026-10-11")))
    }

    /// (file, line, reason starts with).
    static let badFiles: [(String, Int, String)] = [
        ("2026-10-01", 1, "expected 'YYYY-MM-DD holiday'"),
        ("\n2026-13-01 holiday", 2, "'2026-13-01' is not a date"),
        ("2026-10-01 holiday\n2026-10-01 working", 2, "2026-10-01 was already listed on line 1"),
        ("# x\n2026-10-01 off", 2, "'off' must be holiday or working"),
        ("2026-10-01 holiday extra", 1, "expected 'YYYY-MM-DD holiday'"),
    ]

    @Test(arguments: badFiles.indices)
    func aBadLineIsNamed(_ index: Int) {
        let (text, line, reason) = Self.badFiles[index]
        do {
            _ = try WorkingCalendar.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.reason.hasPrefix(reason), "\(error.reason)")
        }
    }
}
