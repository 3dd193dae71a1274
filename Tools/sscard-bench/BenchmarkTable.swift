import SSCardRig
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
        return MarkdownTable.render(header: header, rows: cells)
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

func formatRate(_ perSecond: Double) -> String {
    perSecond >= 10_000 ? "\(Int(perSecond / 1000)) k/s" : "\(Int(perSecond)) /s"
}
