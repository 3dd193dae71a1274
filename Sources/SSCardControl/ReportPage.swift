import SSCardInterfaces
import Varlink

/// `sscardctl report --html FILE`: one self-contained page — inline CSS and
/// SVG, no script, no external asset — with the period's operations, loss
/// reports and releases over time, the pending releases and the backlog.
///
/// Every number on it comes from the Report reply (the same object `--format
/// json` prints), and every number that a test compares carries a
/// `data-metric` name. All text is escaped: reasons and service point names
/// are typed by people.
enum ReportPage {
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func html(_ reply: JSONValue, _ labels: Labels) -> String {
        let zh = labels.chinese
        let t = { (en: String, chinese: String) in escaped(zh ? chinese : en) }
        let timeline = ReportTables.rows(reply, .timeline)
        let hourly = reply[.bucketMinutes]?.int == 60
        let point = reply[.servicePoint]?.string ?? (zh ? "全部服务网点" : "every service point")
        let title = (zh ? "业务报表 " : "Report ") + "\(reply[.from]?.string ?? "") – \(reply[.to]?.string ?? "")"
        var body = "<h1>\(escaped(title))</h1>\n<p class=\"sub\">\(escaped(point)) · \(escaped(reply[.timeZone]?.string ?? ""))"
            + " · \(t("to is exclusive", "截止日不含"))</p>\n"
        body += summary(reply, t)
        let labelsX = timeline.map { ReportTables.bucketLabel($0[WireKey.start.rawValue]?.string ?? "", hourly: hourly) }
        body += "<h2>\(t("Operations over time", "业务量时段分布"))</h2>\n"
        body += ReportCharts.bars(id: "chart-operations", labels: labelsX,
                                  series: [("operations", timeline.map { $0[WireKey.operations.rawValue]?.int ?? 0 })])
        body += "<h2>\(t("Loss reports and releases over time", "挂失与解挂时段分布"))</h2>\n"
        body += ReportCharts.lines(id: "chart-losses", labels: labelsX,
                                   series: [("losses", timeline.map { $0[WireKey.losses.rawValue]?.int ?? 0 }),
                                            ("releases", timeline.map { $0[WireKey.releases.rawValue]?.int ?? 0 })],
                                   names: [t("loss reports", "挂失"), t("releases", "解挂")])
        let backlog = ReportTables.rows(reply, .backlog)
        body += "<h2>\(t("Production backlog by stage and waiting time", "制卡积压(按进度与等待时长)"))</h2>\n"
        body += ReportCharts.stacked(id: "chart-backlog", rows: backlog, labels: labels)
        let pending = ReportTables.rows(reply, .pendingReleases)
        body += "<h2>\(t("Pending automatic releases by day", "待自动解挂(按日)"))</h2>\n"
        body += ReportCharts.bars(id: "chart-pending", labels: pending.map { String(($0[WireKey.day.rawValue]?.string ?? "").dropFirst(5)) },
                                  series: [("pending", pending.map { $0[WireKey.count.rawValue]?.int ?? 0 })])
        body += "<h2>\(t("Operations by kind and outcome", "业务量(按业务与结果)"))</h2>\n"
        body += table(ReportTables.summed(reply, by: [.action, .outcome]), keys: [.action, .outcome], labels: labels) { row in
            "operations.\(row[WireKey.action.rawValue]?.string ?? "").\(row[WireKey.outcome.rawValue]?.string ?? "")"
        }
        body += "<h2>\(t("By channel", "按渠道"))</h2>\n"
        body += table(ReportTables.summed(reply, by: [.channel]), keys: [.channel], labels: labels) {
            "channel.\($0[WireKey.channel.rawValue]?.string ?? "")"
        }
        body += "<h2>\(t("By service point", "按服务网点"))</h2>\n"
        body += table(ReportTables.summed(reply, by: [.servicePoint]), keys: [.servicePoint], labels: labels) {
            "servicePoint.\($0[WireKey.servicePoint.rawValue]?.string ?? "")"
        }
        return """
            <!DOCTYPE html>
            <html lang="\(zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escaped(title))</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
            h1 { font-size: 1.5em; margin-bottom: 0; } h2 { font-size: 1.1em; margin-top: 1.6em; }
            .sub { color: #666; margin-top: 0.2em; }
            table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            svg { display: block; max-width: 100%; height: auto; } svg text { font-size: 10px; fill: #555; }
            .s0 { fill: #3b6ea8; stroke: #3b6ea8; } .s1 { fill: #d9822b; stroke: #d9822b; } .s2 { fill: #5a9e4b; stroke: #5a9e4b; }
            .s3 { fill: #a8433b; stroke: #a8433b; } .s4 { fill: #7b5ea8; stroke: #7b5ea8; }
            path.line { fill: none; stroke-width: 2; } path.axis { stroke: #999; fill: none; }
            .legend i.s0 { background: #3b6ea8; } .legend i.s1 { background: #d9822b; } .legend i.s2 { background: #5a9e4b; }
            .legend i.s3 { background: #a8433b; } .legend i.s4 { background: #7b5ea8; }
            .legend span { margin-right: 1em; } .legend i { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; }
            </style></head>
            <body>
            \(body)</body></html>

            """
    }

    /// The headline figures, each named for the test that compares them with the JSON.
    static func summary(_ reply: JSONValue, _ t: (String, String) -> String) -> String {
        let operations = ReportTables.rows(reply, .operations)
        func total(_ rows: [[String: JSONValue]], _ key: WireKey, where keep: ([String: JSONValue]) -> Bool = { _ in true }) -> Int64 {
            rows.filter(keep).reduce(0) { $0 + ($1[key.rawValue]?.int ?? 0) }
        }
        let timeline = ReportTables.rows(reply, .timeline), fees = ReportTables.rows(reply, .fees)
        let fee = { (settlement: String, key: WireKey) in
            total(fees, key) { $0[WireKey.settlement.rawValue]?.string == settlement }
        }
        let items: [(String, String, Int64)] = [
            ("operations.total", t("Operations recorded", "业务记录"), total(operations, .count)),
            ("operations.done", t("Done", "办结"), total(operations, .count) { $0[WireKey.outcome.rawValue]?.string == "done" }),
            ("operations.refused", t("Refused", "不予办理"), total(operations, .count) { $0[WireKey.outcome.rawValue]?.string == "refused" }),
            ("timeline.losses", t("Loss reports", "挂失"), total(timeline, .losses)),
            ("timeline.releases", t("Releases", "解挂"), total(timeline, .releases)),
            ("pendingReleases.total", t("Pending automatic releases", "待自动解挂"), total(ReportTables.rows(reply, .pendingReleases), .count)),
            ("backlog.total", t("Production backlog", "制卡积压"), total(ReportTables.rows(reply, .backlog), .count)),
            ("fees.paid.count", t("Replacement fees charged", "补换卡收费笔数"), fee("paid", .count)),
            ("fees.paid.totalFen", t("Charged (fen)", "收费金额(分)"), fee("paid", .totalFen)),
            ("fees.waived.count", t("Replacement fees waived", "补换卡减免笔数"), fee("waived", .count)),
            ("fees.waived.totalFen", t("Waived (fen)", "减免金额(分)"), fee("waived", .totalFen)),
        ]
        return "<table class=\"summary\">\n" + items.map {
            "<tr><th>\($0.1)</th><td class=\"n\" data-metric=\"\(escaped($0.0))\">\($0.2)</td></tr>\n"
        }.joined() + "</table>\n"
    }

    static func table(_ rows: [[String: JSONValue]], keys: [WireKey], labels: Labels,
                      metric: ([String: JSONValue]) -> String) -> String {
        let header = (keys + [.count]).map { "<th>\(escaped(labels($0.rawValue)))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + keys.map { "<td>\(escaped(labels.value($0.rawValue, row[$0.rawValue] ?? .null)))</td>" }.joined()
                + "<td class=\"n\" data-metric=\"\(escaped(metric(row)))\">\(row[WireKey.count.rawValue]?.int ?? 0)</td></tr>\n"
        }.joined()
        return "<table><tr>\(header)</tr>\n\(body)</table>\n"
    }
}
