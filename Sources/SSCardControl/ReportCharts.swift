import SSCardInterfaces
import Varlink

/// The report page's charts as inline SVG: bars, lines with points, and
/// stacked bars. Each mark carries its series and value (`data-series`,
/// `data-value`) and a `<title>` for the reader's tooltip.
enum ReportCharts {
    static let width = 720.0, height = 180.0, left = 36.0, bottom = 22.0, top = 8.0

    /// A rounded-up scale top, so the axis reads 0…max in whole numbers.
    static func scale(_ values: [Int64]) -> Double { Double(max(1, values.max() ?? 1)) }

    static func frame(_ id: String, _ maximum: Double, _ inner: String, _ labels: [String], step: Double) -> String {
        let axis = "<path class=\"axis\" d=\"M\(f(left)) \(f(top)) V\(f(height - bottom)) H\(f(width))\"/>"
        let every = max(1, Int((Double(labels.count) * 40 / (width - left)).rounded(.up)))
        let ticks = labels.enumerated().filter { $0.offset % every == 0 }.map {
            "<text x=\"\(f(left + step * (Double($0.offset) + 0.5)))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">"
                + "\(ReportPage.escaped($0.element))</text>"
        }.joined()
        let scaleText = "<text x=\"\(f(left - 4))\" y=\"\(f(top + 8))\" text-anchor=\"end\">\(Int64(maximum))</text>"
            + "<text x=\"\(f(left - 4))\" y=\"\(f(height - bottom))\" text-anchor=\"end\">0</text>"
        return "<svg id=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
            + "role=\"img\">\(axis)\(scaleText)\(ticks)\(inner)</svg>\n"
    }

    /// One bar per label and series, side by side.
    static func bars(id: String, labels: [String], series: [(String, [Int64])]) -> String {
        let maximum = scale(series.flatMap(\.1))
        let step = (width - left) / Double(max(1, labels.count))
        let barWidth = step * 0.8 / Double(max(1, series.count))
        var marks = ""
        for (index, (name, values)) in series.enumerated() {
            for (slot, value) in values.enumerated() {
                let h = Double(value) / maximum * (height - bottom - top)
                let x = left + step * Double(slot) + step * 0.1 + barWidth * Double(index)
                marks += "<rect class=\"s\(index)\" data-series=\"\(name)\" data-value=\"\(value)\" x=\"\(f(x))\" "
                    + "y=\"\(f(height - bottom - h))\" width=\"\(f(barWidth))\" height=\"\(f(h))\">"
                    + "<title>\(ReportPage.escaped(labels[slot])): \(value)</title></rect>"
            }
        }
        return frame(id, maximum, marks, labels, step: step)
    }

    /// A line per series with a point per label, and a legend.
    static func lines(id: String, labels: [String], series: [(String, [Int64])], names: [String]) -> String {
        let maximum = scale(series.flatMap(\.1))
        let step = (width - left) / Double(max(1, labels.count))
        var marks = ""
        for (index, (name, values)) in series.enumerated() {
            let points = values.enumerated().map { slot, value in
                (left + step * (Double(slot) + 0.5), height - bottom - Double(value) / maximum * (height - bottom - top), value, slot)
            }
            let d = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f($0.element.0)) \(f($0.element.1))" }.joined(separator: " ")
            marks += "<path class=\"line s\(index)\" d=\"\(d)\"/>"
            marks += points.map { x, y, value, slot in
                "<circle class=\"s\(index)\" data-series=\"\(name)\" data-value=\"\(value)\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2.5\">"
                    + "<title>\(ReportPage.escaped(labels[slot])): \(value)</title></circle>"
            }.joined()
        }
        let legend = "<p class=\"legend\">" + names.enumerated().map {
            "<span><i class=\"s\($0.offset)\"></i>\($0.element)</span>"
        }.joined() + "</p>\n"
        return frame(id, maximum, marks, labels, step: step) + legend
    }

    /// A bar per backlog stage, stacked by waiting time.
    static func stacked(id: String, rows: [[String: JSONValue]], labels: Labels) -> String {
        let stages = ["accepted", "reviewed", "ordered", "producing", "produced"]
        let ages = ["underOneDay", "oneToThreeDays", "threeToSevenDays", "sevenToThirtyDays", "overThirtyDays"]
        func count(_ stage: String, _ age: String) -> Int64 {
            rows.first { $0[WireKey.stage.rawValue]?.string == stage && $0[WireKey.age.rawValue]?.string == age }?[WireKey.count.rawValue]?.int ?? 0
        }
        let totals = stages.map { stage in ages.reduce(Int64(0)) { $0 + count(stage, $1) } }
        let maximum = scale(totals)
        let step = (width - left) / Double(stages.count)
        var marks = ""
        for (slot, stage) in stages.enumerated() {
            var y = height - bottom
            for (index, age) in ages.enumerated() {
                let value = count(stage, age)
                let h = Double(value) / maximum * (height - bottom - top)
                y -= h
                marks += "<rect class=\"s\(index)\" data-series=\"\(stage).\(age)\" data-value=\"\(value)\" "
                    + "x=\"\(f(left + step * Double(slot) + step * 0.2))\" y=\"\(f(y))\" width=\"\(f(step * 0.6))\" height=\"\(f(h))\">"
                    + "<title>\(ReportPage.escaped(labels.value("stage", .string(stage)))) · "
                    + "\(ReportPage.escaped(ReportTables.name(ReportTables.ages, age, labels))): \(value)</title></rect>"
            }
        }
        let legend = "<p class=\"legend\">" + ages.enumerated().map {
            "<span><i class=\"s\($0.offset)\"></i>"
                + "\(ReportPage.escaped(ReportTables.name(ReportTables.ages, $0.element, labels)))</span>"
        }.joined() + "</p>\n"
        return frame(id, maximum, marks, stages.map { labels.value("stage", .string($0)) }, step: step) + legend
    }

    static func f(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
