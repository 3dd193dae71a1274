// sscard-bench: performance figures, each beside a comparison measured in the same run.
//
//   sscard-bench registry [--cards N] [--path FILE]
//   sscard-bench daemon [--cards N] [--path FILE]
//
// Build with -c release; see docs/benchmarks.md for the method.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

switch arguments.first {
case "registry":
    var benchmark = RegistryBenchmark(path: option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite",
                                      cards: Int(option("--cards") ?? "") ?? 1_000_000)
    if benchmark.cards < 200_000 { benchmark.burst = benchmark.cards / 2 }
    do {
        let table = try benchmark.run()
        print(table.render())
        exit(table.rows.allSatisfy(\.met) ? 0 : 1)
    } catch {
        log("benchmark failed: \(error)")
        exit(2)
    }
case "daemon":
    let benchmark = DaemonBenchmark(path: option("--path") ?? "/var/tmp/sscard-bench-registry.sqlite",
                                    cards: Int(option("--cards") ?? "") ?? 1_000_000)
    do {
        let table = try benchmark.run()
        print(table.render())
        exit(table.rows.allSatisfy(\.met) ? 0 : 1)
    } catch {
        log("benchmark failed: \(error)")
        exit(2)
    }
default:
    log("usage: sscard-bench registry|daemon [--cards N] [--path FILE]")
    exit(64)
}
