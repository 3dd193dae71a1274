// sscard-faults: fault-injection runs against a real sscardd, each printing checks.
//
//   sscard-faults list
//   sscard-faults all [--quick] [--seed N] [--set key=value ...]
//   sscard-faults NAME [NAME ...] [--quick] [--seed N] [--set key=value ...]
//
// Exit code 0 when every check passed, 1 when one failed, 2 on usage errors.
// See docs/reliability.md for what each scenario does and the latest figures.
import Foundation

var options = FaultOptions()
var names: [String] = []
var arguments = Array(CommandLine.arguments.dropFirst()).makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--quick": options.quick = true
    case "--seed":
        guard let text = arguments.next(), let seed = UInt64(text) else { usage("--seed needs a number") }
        options.seed = seed
    case "--set":
        guard let pair = arguments.next(), let equals = pair.firstIndex(of: "=") else { usage("--set needs key=value") }
        options.settings[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
    default: names.append(argument)
    }
}

if names == ["list"] {
    for scenario in scenarios { print("\(scenario.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(scenario.summary)") }
    exit(0)
}
let chosen: [FaultScenario]
if names.isEmpty || names == ["all"] {
    chosen = scenarios
} else {
    chosen = names.map { name in
        guard let scenario = scenarios.first(where: { $0.name == name }) else {
            usage("unknown scenario \"\(name)\"; `sscard-faults list` shows them")
        }
        return scenario
    }
}

var report = FaultReport()
for scenario in chosen {
    FileHandle.standardError.write(Data("== \(scenario.name): \(scenario.summary)\n".utf8))
    do {
        report.checks += try scenario.run(options)
    } catch {
        report.checks.append(FaultCheck(scenario: scenario.name, check: "ran to the end", passed: false, figure: "\(error)"))
    }
}
print("seed \(options.seed)\(options.quick ? ", quick" : "")")
print(report.render())
exit(report.passed ? 0 : 1)

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sscard-faults: \(message)\n".utf8))
    exit(2)
}
