import Foundation
import SSCardInterfaces
import SSCardValues
import Varlink

/// `sscardctl report`: the figures of a day or a range of days, as a table
/// (Chinese or English), CSV or JSON, and with `--html FILE` as a page of
/// charts. Every form is drawn from the one Report reply, so they agree.
extension Command {
    static let report = Command(
        summary: "report [--day DATE | --from DATE --to DATE] [--service-point NAME] [--format table|csv|json] "
            + "[--lang zh|en] [--html FILE]",
        options: ["day", "from", "to", "service-point", "format", "lang", "html"],
        render: .raw,
        build: { a in
            let (from, to) = try ReportDays.range(a)
            var p: [WireKey: JSONValue] = [.from: .string(from.description), .to: .string(to.description)]
            if let point = a.option("service-point") { p[.servicePoint] = .string(point) }
            let format = a.option("format") ?? (a.flag("json") ? "json" : "table")
            guard ["table", "csv", "json"].contains(format) else { throw UsageError("--format is table, csv or json") }
            guard [nil, "zh", "en"].contains(a.option("lang")) else { throw UsageError("--lang is zh or en") }
            return .init(method: RegistryMethod.report.name, parameters: .fields(p))
        },
        run: { request, a, client, labels in
            let reply = try client.call(request.method, request.parameters)
            let labels = a.option("lang").map { Labels(environment: ["LANG": $0 == "zh" ? "zh_CN.UTF-8" : "C"]) } ?? labels
            switch a.option("format") ?? (a.flag("json") ? "json" : "table") {
            case "json": print(reply.description)
            case "csv": FileHandle.standardOutput.write(Data(ReportTables.csv(reply).utf8))
            default: print(ReportTables.text(reply, labels))
            }
            if let path = a.option("html") {
                try ReportPage.html(reply, labels).write(toFile: path, atomically: true, encoding: .utf8)
                FileHandle.standardError.write(Data("sscardctl: wrote \(path)\n".utf8))
            }
        })
}

/// The days a report covers, from the command line: `--day D` is [D, D+1);
/// `--from A --to B` is [A, B), B the day after the last; neither is today.
enum ReportDays {
    static func range(_ a: Arguments) throws -> (CalendarDate, CalendarDate) {
        switch (a.option("day"), a.option("from"), a.option("to")) {
        case let (day?, nil, nil):
            let first = try date(day, "--day")
            return (first, next(first))
        case let (nil, from?, to?):
            return (try date(from, "--from"), try date(to, "--to"))
        case (nil, nil, nil):
            let today = self.today()
            return (today, next(today))
        default:
            throw UsageError("--day DATE, or --from DATE --to DATE (to: the day after the last)")
        }
    }

    static func date(_ text: String, _ option: String) throws -> CalendarDate {
        do { return try CalendarDate(text, field: option) } catch { throw UsageError("\(option): \(error)") }
    }

    static func next(_ day: CalendarDate) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day + 1))!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return (try? CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)) ?? day
    }

    static func today() -> CalendarDate {
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return (try? CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!))
            ?? (try! CalendarDate(year: 1970, month: 1, day: 1))
    }
}
