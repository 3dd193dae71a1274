/// Every scenario, in the order `sscard-faults all` runs them.
/// Each lives in its own file and adds one line here.
let scenarios: [FaultScenario] = [
    CrashScenario.scenario,
    DiskScenario.scenario,
    ClockScenario.scenario,
    ReaderFaultScenario.scenario,
    ProtocolAbuseScenario.scenario,
    SoakScenario.scenario,
]
