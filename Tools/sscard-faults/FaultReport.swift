import SSCardRig

/// The fault run's output: every check of every scenario, as a Markdown table
/// readable in a terminal and pasteable into docs/reliability.md.
struct FaultReport {
    var checks: [FaultCheck] = []

    var passed: Bool { !checks.isEmpty && checks.allSatisfy(\.passed) }

    func render() -> String {
        let header = ["scenario", "check", "result", "figure"]
        let cells = checks.map { [$0.scenario, $0.check, $0.passed ? "pass" : "FAIL", $0.figure] }
        return MarkdownTable.render(header: header, rows: cells)
    }
}
