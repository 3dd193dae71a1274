import SSCardRig
/// Every benchmark's figures in one Markdown table (`sscard-bench all`).
///
/// The per-area benchmarks each return a `BenchmarkTable`; this collates them
/// under an area column so that one run reads, and pastes into docs/, as one
/// table. A figure without a same-run comparison has no place here: the
/// machine is shared, so a figure alone says little. Such rows are set aside
/// in `setAside` (and named in the report) rather than shown without a ratio.
struct CombinedTable {
    struct Row: Equatable {
        var area: String
        var figure: String
        var sscard: String
        var comparison: String
        var ratio: String
        var target: String
        /// Nil when no issue set a target for the figure.
        var met: Bool?
    }

    /// How a sub-table says "no target": its `target` cell is this dash.
    static let noTarget = "–"

    private(set) var rows: [Row] = []
    /// "area: figure" of rows left out because they carry no ratio.
    private(set) var setAside: [String] = []

    /// Adds every row of `table` under `area`. A row whose ratio holds no
    /// digit has no comparison and is set aside; a row whose target is
    /// `noTarget` is shown with no verdict rather than a "yes" it never earned.
    mutating func add(area: String, _ table: BenchmarkTable) {
        for row in table.rows {
            guard row.ratio.contains(where: \.isNumber) else {
                setAside.append("\(area): \(row.figure)")
                continue
            }
            let hasTarget = row.target != Self.noTarget && !row.target.isEmpty
            rows.append(Row(area: area, figure: row.figure, sscard: row.sscard, comparison: row.comparison,
                            ratio: row.ratio, target: hasTarget ? row.target : Self.noTarget,
                            met: hasTarget ? row.met : nil))
        }
    }

    var targetsMet: Int { rows.count { $0.met == true } }
    var targetsMissed: Int { rows.count { $0.met == false } }
    var allTargetsMet: Bool { targetsMissed == 0 }

    /// A Markdown table, columns padded so it also reads in a terminal.
    func render() -> String {
        let header = ["area", "figure", "sscard", "comparison (same run)", "ratio", "target", "met"]
        let cells = rows.map { row in
            [row.area, row.figure, row.sscard, row.comparison, row.ratio, row.target,
             row.met.map { $0 ? "yes" : "NO" } ?? Self.noTarget]
        }
        return MarkdownTable.render(header: header, rows: cells)
    }

    /// One line under the table: how many targets held.
    var verdict: String {
        "\(rows.count) figures, each with its same-run comparison: \(targetsMet) targets met, "
            + "\(targetsMissed) missed, \(rows.count - targetsMet - targetsMissed) without a target"
    }
}
