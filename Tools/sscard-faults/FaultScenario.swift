/// One fault run: a named scenario that drives a real sscardd (and, where it
/// needs one, the private pcscd with virtual cards) into a fault and reports
/// what it checked.
///
/// Scenarios are black-box: they reach the daemon only through its socket,
/// signals, the file system and the clock, as an operator's machine would.
struct FaultScenario: Sendable {
    /// Short name used on the command line, e.g. `crash`.
    let name: String
    /// One line for `sscard-faults list`.
    let summary: String
    /// Runs the scenario; a thrown error is reported as a failed check.
    let run: @Sendable (FaultOptions) throws -> [FaultCheck]
}

/// Settings shared by every scenario.
struct FaultOptions: Sendable {
    /// Shorter runs (fewer rounds, shorter soak) for the test suite and CI.
    var quick = false
    /// Seed for every random choice, printed with the report so a run can be repeated.
    var seed: UInt64 = 1
    /// Scenario-specific overrides (`--set name=value`), e.g. `crash.rounds=100`.
    var settings: [String: String] = [:]

    func integer(_ key: String, full: Int, quick: Int) -> Int {
        if let text = settings[key], let value = Int(text) { return value }
        return self.quick ? quick : full
    }
}

/// One line of the report: what was checked, whether it held, and the figure behind it.
struct FaultCheck {
    var scenario: String
    var check: String
    var passed: Bool
    /// The measured value that backs the verdict, e.g. "100/100 rounds" or "RSS +212 KiB".
    var figure: String
}
