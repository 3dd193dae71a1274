/// The benchmark's output: one row per figure, beside its same-run comparison.
struct BenchmarkTable {
    struct Row {
        var figure: String
        var sscard: String
        var comparison: String
        /// sscard ÷ comparison, oriented so that the target reads naturally.
        var ratio: String
        var target: String
        var met: Bool
    }

    var rows: [Row] = []

    mutating func add(_ figure: String, sscard: String, comparison: String, ratio: String, target: String, met: Bool) {
        rows.append(Row(figure: figure, sscard: sscard, comparison: comparison, ratio: ratio, target: target, met: met))
    }

    /// A Markdown table, readable in a terminal and pasteable into docs/.
    func render() -> String {
        let header = ["figure", "sscard", "comparison (same run)", "ratio", "target", "met"]
        let cells = rows.map { [$0.figure, $0.sscard, $0.comparison, $0.ratio, $0.target, $0.met ? "yes" : "NO"] }
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        func line(_ fields: [String]) -> String {
            "| " + fields.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |"
        }
        return ([line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
            + cells.map(line)).joined(separator: "\n")
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

func formatRate(_ perSecond: Double) -> String {
    perSecond >= 10_000 ? "\(Int(perSecond / 1000)) k/s" : "\(Int(perSecond)) /s"
}
