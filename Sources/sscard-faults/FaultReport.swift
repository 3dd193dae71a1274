/// The fault run's output: every check of every scenario, as a Markdown table
/// readable in a terminal and pasteable into docs/reliability.md.
struct FaultReport {
    var checks: [FaultCheck] = []

    var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }

    func render() -> String {
        let header = ["scenario", "check", "result", "figure"]
        let cells = checks.map { [$0.scenario, $0.check, $0.passed ? "pass" : "FAIL", $0.figure] }
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
