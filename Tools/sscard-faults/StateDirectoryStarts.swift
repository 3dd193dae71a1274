import Foundation
import Glibc
import SSCardRig
import Varlink

/// sscardd started on a state directory it cannot use must stop at once,
/// with a non-zero code and a message that names the directory: an operator
/// reads it in the journal, not in the first failed loss report.
enum StateDirectoryStarts {
    static func run() throws -> [FaultCheck] {
        var checks: [FaultCheck] = []

        // Read-only from the start (an empty directory), and read-only under an existing registry.
        for withRegistry in [false, true] {
            let rig = try DaemonRig(start: false)
            let mount = try TmpfsMount(path: rig.stateDirectory, sizeKiB: 8192)
            defer {
                rig.stop()
                mount.unmount()
            }
            if withRegistry {
                try rig.start()
                try FaultHolder(index: 31_000).issue(try VarlinkClient(path: rig.socketPath))
                guard rig.stop() == 0 else { throw FaultFailure("sscardd did not stop cleanly before the remount") }
            }
            try mount.remount(readOnly: true)
            let (code, output) = try startToExit(rig)
            checks.append(verdict("read-only state directory\(withRegistry ? " holding a registry" : "")",
                                  rig: rig, code: code, output: output, says: ["read-only", "not writable"]))
        }

        let rig = try DaemonRig(start: false)
        try FileManager.default.removeItem(atPath: rig.stateDirectory)
        let (code, output) = try startToExit(rig)
        checks.append(verdict("missing state directory", rig: rig, code: code, output: output, says: ["does not exist"]))
        return checks
    }

    /// Starts sscardd and waits for its exit; a daemon that starts serving
    /// instead is stopped and reported with code 0.
    static func startToExit(_ rig: DaemonRig) throws -> (Int32, [String]) {
        let daemon = try ChildProcess(name: "sscardd", executable: PCSCRig.productsDirectory + "/sscardd",
                                      arguments: ["--config", rig.configPath], logPath: rig.directory + "/refused-start.log")
        if (try? daemon.waitForLine(containing: "listening on")) != nil {
            daemon.terminate()
            return (0, daemon.output)
        }
        let code = daemon.waitForExit()
        return (code, try daemon.completeOutput())
    }

    static func verdict(_ what: String, rig: DaemonRig, code: Int32, output: [String], says phrases: [String]) -> FaultCheck {
        let message = output.first { $0.contains("cannot start") } ?? output.last ?? "(no output)"
        let clear = message.contains(rig.stateDirectory) && phrases.contains { message.contains($0) }
        return FaultCheck(scenario: "disk", check: "\(what): clear error at start", passed: code != 0 && clear,
                          figure: "exit \(code): " + String(message.drop { $0 != ">" }.dropFirst())
                              .replacingOccurrences(of: rig.stateDirectory, with: "$STATE"))
    }
}
