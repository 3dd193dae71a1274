import SSCardInterfaces
import SSCardValues
import Varlink

/// A Report reply as text tables (aligned by display width, in the labels'
/// language) and as one CSV table.
enum ReportTables {
    /// Who acted, as the audit trail records the channel.
    static let channels: [String: (en: String, zh: String)] = [
        "counter": ("Counter", "窗口"), "kiosk": ("Self-service kiosk", "自助终端"),
        "remote": ("Remote (12333, app, website)", "远程(12333/掌上/网上)"), "system": ("Automatic", "系统自动"),
    ]
    static let ages: [String: (en: String, zh: String)] = [
        "underOneDay": ("under 1 day", "不足1天"), "oneToThreeDays": ("1–3 days", "1至3天"),
        "threeToSevenDays": ("3–7 days", "3至7天"), "sevenToThirtyDays": ("7–30 days", "7至30天"),
        "overThirtyDays": ("30 days or more", "30天以上"),
    ]

    static func name(_ table: [String: (en: String, zh: String)], _ wire: String, _ labels: Labels) -> String {
        guard let names = table[wire] else { return wire }
        return labels.chinese ? names.zh : names.en
    }

    static func rows(_ reply: JSONValue, _ key: WireKey) -> [[String: JSONValue]] {
        (reply[key]?.array ?? []).compactMap(\.object)
    }

    /// Counts of `operations` summed by the values of `keys`, largest first.
    static func summed(_ reply: JSONValue, by keys: [WireKey]) -> [[String: JSONValue]] {
        var totals: [[String]: Int64] = [:]
        for row in rows(reply, .operations) {
            totals[keys.map { row[$0.rawValue]?.string ?? "" }, default: 0] += row[WireKey.count.rawValue]?.int ?? 0
        }
        return totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }
            .map { entry in
                var row: [String: JSONValue] = [WireKey.count.rawValue: .int(entry.value)]
                for (index, key) in keys.enumerated() { row[key.rawValue] = .string(entry.key[index]) }
                return row
            }
    }

    static func text(_ reply: JSONValue, _ labels: Labels) -> String {
        let zh = labels.chinese
        let from = reply[.from]?.string ?? "", to = reply[.to]?.string ?? ""
        let point = reply[.servicePoint]?.string ?? (zh ? "全部服务网点" : "every service point")
        var parts = [zh ? "业务报表 \(from) 至 \(to)(不含) · \(point) · \(reply[.timeZone]?.string ?? "")"
                        : "Report \(from) to \(to) (exclusive) · \(point) · \(reply[.timeZone]?.string ?? "")"]
        func section(_ title: (String, String), _ rows: [[String: JSONValue]], _ keys: [WireKey]) {
            let body = rows.isEmpty ? (zh ? "(无)" : "(none)")
                : TextTable.columns(rows, keys: keys.map(\.rawValue), labels: labels)
            parts.append("== \(zh ? title.1 : title.0) ==\n" + body)
        }
        section(("Operations by kind and outcome", "业务量(按业务与结果)"), summed(reply, by: [.action, .outcome]),
                [.action, .outcome, .count])
        section(("By channel", "按渠道"), summed(reply, by: [.channel]).map { row in
            row.merging([WireKey.channel.rawValue: .string(name(channels, row[WireKey.channel.rawValue]?.string ?? "", labels))]) { $1 }
        }, [.channel, .count])
        section(("By service point", "按服务网点"), summed(reply, by: [.servicePoint]), [.servicePoint, .count])
        let hourly = reply[.bucketMinutes]?.int == 60
        section((hourly ? "Over the day (hours with activity)" : "By day (days with activity)",
                 hourly ? "时段分布(有业务的时段)" : "按日分布(有业务的日期)"),
                rows(reply, .timeline).filter { ($0[WireKey.operations.rawValue]?.int ?? 0) > 0 }.map { row in
                    row.merging([WireKey.start.rawValue: .string(bucketLabel(row[WireKey.start.rawValue]?.string ?? "",
                                                                             hourly: hourly))]) { $1 }
                }, [.start, .operations, .losses, .releases])
        section(("Pending automatic releases", "待自动解挂"), rows(reply, .pendingReleases), [.day, .count])
        section(("Production backlog by stage and waiting time", "制卡积压(按进度与等待时长)"), rows(reply, .backlog).map { row in
            row.merging([WireKey.age.rawValue: .string(name(ages, row[WireKey.age.rawValue]?.string ?? "", labels))]) { $1 }
        }, [.stage, .age, .count])
        section(("Replacement fees", "补换卡费用"), rows(reply, .fees), [.settlement, .count, .totalFen])
        return parts.joined(separator: "\n\n")
    }

    /// "08:00" for an hour's bucket, "2026-12-01" for a day's.
    static func bucketLabel(_ start: String, hourly: Bool) -> String {
        hourly ? String(start.dropFirst(11).prefix(5)) : String(start.prefix(10))
    }

    static let csvHeader = ["section", "action", "outcome", "channel", "service_point", "start", "day", "stage", "age",
                            "settlement", "count", "total_fen"]

    /// One table: a row per figure, its section first, the columns that do
    /// not apply to a section left empty. Wire spellings, not translations:
    /// CSV is for programs and spreadsheets.
    static func csv(_ reply: JSONValue) -> String {
        var out = CSVText.line(csvHeader)
        func emit(_ section: String, _ cells: [String: String]) {
            out += CSVText.line([section] + csvHeader.dropFirst().map { cells[$0] ?? "" })
        }
        func s(_ row: [String: JSONValue], _ key: WireKey) -> String { TextTable.text(row[key.rawValue] ?? .null) }
        for row in rows(reply, .operations) {
            emit("operations", ["action": s(row, .action), "outcome": s(row, .outcome), "channel": s(row, .channel),
                                "service_point": s(row, .servicePoint), "count": s(row, .count)])
        }
        for series in [WireKey.operations, .losses, .releases] {
            for row in rows(reply, .timeline) {
                emit("timeline.\(series.rawValue)", ["start": s(row, .start), "count": s(row, series)])
            }
        }
        for row in rows(reply, .pendingReleases) { emit("pendingReleases", ["day": s(row, .day), "count": s(row, .count)]) }
        for row in rows(reply, .backlog) {
            emit("backlog", ["stage": s(row, .stage), "age": s(row, .age), "count": s(row, .count)])
        }
        for row in rows(reply, .fees) {
            emit("fees", ["settlement": s(row, .settlement), "count": s(row, .count), "total_fen": s(row, .totalFen)])
        }
        return out
    }
}
