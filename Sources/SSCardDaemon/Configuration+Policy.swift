import Foundation
import Registry

/// The regional policy keys of sscardd.conf: parsing the ones that are not
/// plain numbers, the checks between them, and the `Policy` they make.
extension Configuration {
    /// The registry's policy as this file sets it.
    public var policy: Policy {
        Policy(temporaryLossDays: temporaryLossDays, guardianRequiredBelowAge: guardianAge,
               pinChangeChannels: Set(pinChangeChannels), pinResetChannels: Set(pinResetChannels),
               replacementFeeFen: replacementFeeFen, mobileProductionDays: mobileProductionDays,
               mobileProductionDaysLimit: mobileProductionDaysLimit, workingCalendar: workingCalendar)
    }

    /// Parses a comma-separated list of channels, each from `allowed`, none twice,
    /// at least one. Resetting a PIN allows only `counter`: the lifecycle makes
    /// a reset counter-only (the holder shows the ID card and the card, and
    /// the chip is reloaded through the counter's security module).
    static func channels(_ value: String, key: String, allowed: [Actor.Channel]) throws -> [Actor.Channel] {
        let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let choices = allowed.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty else { throw ConfigurationError.Message("'\(key)' must name at least one of \(choices)") }
        var channels: [Actor.Channel] = []
        for name in names {
            guard let channel = Actor.Channel(rawValue: name), allowed.contains(channel) else {
                throw ConfigurationError.Message("'\(key)': '\(name)' is not one of \(choices)")
            }
            guard !channels.contains(channel) else {
                throw ConfigurationError.Message("'\(key)' names '\(name)' twice")
            }
            channels.append(channel)
        }
        return channels
    }

    /// Reads the holiday file named by `working-days-file`; nil is weekdays only.
    static func workingCalendar(_ path: String?) throws -> WorkingCalendar {
        guard let path else { return WorkingCalendar() }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError.Message("'working-days-file': \(path) cannot be read as UTF-8 text")
        }
        do {
            return try WorkingCalendar.parse(text)
        } catch {
            throw ConfigurationError.Message("'working-days-file': \(path) \(error)")
        }
    }

    /// The checks between policy keys, once the whole file is read.
    func checkPolicyKeys(path: String, lines: [String: Int]) throws {
        if mobileProductionDaysLimit < mobileProductionDays {
            throw ConfigurationError(
                path: path, line: lines["mobile-production-days-limit"] ?? lines["mobile-production-days"],
                message: "'mobile-production-days-limit' (\(mobileProductionDaysLimit)) is less than "
                    + "'mobile-production-days' (\(mobileProductionDays))")
        }
    }
}
