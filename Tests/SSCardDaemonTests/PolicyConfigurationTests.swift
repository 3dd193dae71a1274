import Foundation
import Registry
@testable import SSCardDaemon
import SSCardValues
import Testing

/// The regional policy keys of sscardd.conf: the seeds' values by default,
/// each key's accepted values, and errors that name the file, the line and
/// what is wrong; the Policy the registry is given.
@Suite struct PolicyConfigurationTests {
    static func parse(_ text: String) throws -> Configuration {
        var configuration = Configuration(environment: [:])
        try configuration.apply(text, path: "/etc/sscard/sscardd.conf")
        return configuration
    }

    @Test func theDefaultsAreTheSeeds() throws {
        let policy = try Self.parse("").policy
        #expect(policy == Policy())
        #expect(policy.temporaryLossDays == 7)
        #expect(policy.guardianRequiredBelowAge == 18)
        #expect(policy.pinChangeChannels == [.counter, .kiosk])
        #expect(policy.pinResetChannels == [.counter])
        #expect(policy.replacementFeeFen == 1800)
        #expect(policy.replacementFee(for: .generationUpgrade) == 0)
        #expect(policy.mobileProductionDays == 15 && policy.mobileProductionDaysLimit == 30)
        #expect(policy.workingCalendar == WorkingCalendar())
    }

    /// (line, what the policy then says).
    static let accepted: [(String, @Sendable (Policy) -> Bool)] = [
        ("guardian-age = 16", { $0.guardianRequiredBelowAge == 16 }),
        ("pin-change-channels = counter", { $0.pinChangeChannels == [.counter] }),
        ("pin-change-channels = kiosk, counter", { $0.pinChangeChannels == [.counter, .kiosk] }),
        ("pin-reset-channels = counter", { $0.pinResetChannels == [.counter] }),
        ("replacement-fee-fen = 2000", { $0.replacementFeeFen == 2000 && $0.replacementFee(for: .lost) == 2000 }),
        ("replacement-fee-fen = 0", { $0.replacementFee(for: .damaged) == 0 }),
        ("mobile-production-days = 10", { $0.mobileProductionDays == 10 }),
        ("mobile-production-days-limit = 60", { $0.mobileProductionDaysLimit == 60 }),
    ]

    @Test(arguments: accepted.indices)
    func aKeySetsThePolicy(_ index: Int) throws {
        let (line, holds) = Self.accepted[index]
        #expect(holds(try Self.parse(line).policy), "\(line)")
    }

    /// (file, line of the error, message).
    static let refused: [(String, Int, String)] = [
        ("guardian-age = 0", 1, "'guardian-age' must be a whole number from 1 to 30"),
        ("pin-change-channels = remote", 1, "'pin-change-channels': 'remote' is not one of counter, kiosk"),
        ("pin-change-channels =", 1, "'pin-change-channels' must name at least one of counter, kiosk"),
        ("pin-change-channels = counter,counter", 1, "'pin-change-channels' names 'counter' twice"),
        ("pin-reset-channels = counter,kiosk", 1, "'pin-reset-channels': 'kiosk' is not one of counter"),
        ("replacement-fee-fen = -1", 1, "'replacement-fee-fen' must be a whole number from 0 to 100000"),
        ("mobile-production-days = 0", 1, "'mobile-production-days' must be a whole number from 1 to 365"),
        ("# regional\nmobile-production-days = 40", 2,
         "'mobile-production-days-limit' (30) is less than 'mobile-production-days' (40)"),
        ("mobile-production-days-limit = 10\nmobile-production-days = 15", 1,
         "'mobile-production-days-limit' (10) is less than 'mobile-production-days' (15)"),
        ("working-days-file = holidays.txt", 1, "'working-days-file' must be an absolute path"),
        ("working-days-file = /nonexistent/holidays", 1,
         "'working-days-file': /nonexistent/holidays cannot be read as UTF-8 text"),
    ]

    @Test(arguments: refused.indices)
    func aBadValueNamesTheLine(_ index: Int) {
        let (text, line, message) = Self.refused[index]
        #expect(throws: ConfigurationError(path: "/etc/sscard/sscardd.conf", line: line, message: message)) {
            try Self.parse(text)
        }
    }

    @Test func theHolidayFileIsReadAndItsErrorsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("holidays-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "2026-10-01 holiday\n2026-10-10 working\n".write(toFile: path, atomically: true, encoding: .utf8)
        let calendar = try Self.parse("working-days-file = \(path)").policy.workingCalendar
        #expect(calendar.holidays == [try CalendarDate("2026-10-01")])
        #expect(calendar.adjustedWorkingDays == [try CalendarDate("2026-10-10")])

        try "2026-10-01 holiday\n2026-10-01 working\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError(path: "/etc/sscard/sscardd.conf", line: 3,
                                           message: "'working-days-file': \(path) line 2: 2026-10-01 was already listed on line 1")) {
            try Self.parse("# holidays\n\nworking-days-file = \(path)")
        }
    }

    @Test func theRemoteGroupIsAKey() throws {
        #expect(try Self.parse("").remoteGroup == "sscard-remote")
        #expect(try Self.parse("remote-group = hotline-12333").remoteGroup == "hotline-12333")
        #expect(throws: ConfigurationError(path: "/etc/sscard/sscardd.conf", line: 1, message: "'remote-group' must not be empty")) {
            try Self.parse("remote-group =")
        }
    }
}
