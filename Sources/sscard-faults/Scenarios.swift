/// Every scenario, in the order `sscard-faults all` runs them.
/// Each lives in its own file and adds one line here.
let scenarios: [FaultScenario] = [
    ReaderFaultScenario.scenario,
    ProtocolAbuseScenario.scenario,
    SoakScenario.scenario,
]
