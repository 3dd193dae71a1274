// sscardd: the social security card service daemon. See sscardd(8).
import Foundation
import SSCardDaemon

// Before anything can start a thread: SIGTERM/SIGINT/SIGHUP stay pending
// until the daemon's signal thread takes them, whenever they arrive.
Daemon.blockSignals()
// Before any key, PIN or password is read: no core file, not dumpable.
let hardeningFailures = ProcessHardening.forbidCoreDumps()
let usage = "usage: sscardd [--config PATH] [--check-config] [--version]\n"
var configPath = Configuration.defaultPath
var explicit = false
var checkOnly = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--config":
        guard let path = arguments.popFirst() else { FileHandle.standardError.write(Data(usage.utf8)); exit(64) }
        configPath = path
        explicit = true
    case "--check-config": checkOnly = true
    case "--version":
        print("sscardd \(Version.current)")
        exit(0)
    case "--help", "-h":
        print(usage, terminator: "")
        exit(0)
    default:
        FileHandle.standardError.write(Data("sscardd: unknown argument '\(argument)'\n\(usage)".utf8))
        exit(64)
    }
}

let configuration: Configuration
var resolved: [String] = []
do {
    configuration = try Configuration.load(path: configPath, explicit: explicit)
    if checkOnly {
        // What the start checks before it opens anything: the key file and
        // its mode, the socket group, the reader choice. No database is reached.
        resolved = try Daemon.checkConfiguration(configuration, path: configPath)
    }
} catch {
    FileHandle.standardError.write(Data("<3>sscardd: configuration error: \(error)\n".utf8))
    exit(78)  // EX_CONFIG
}
if checkOnly {
    for line in resolved { print(line) }
    print("configuration OK")
    exit(0)
}
let log = Log(level: configuration.logLevel)
for failure in hardeningFailures { log.warning("cannot forbid core dumps: \(failure)") }
do {
    try Daemon(configurationPath: configPath, explicit: explicit, configuration: configuration, log: log).run()
} catch let error as ConfigurationError {
    // Exit 78 like a parse error: systemd's RestartPreventExitStatus=78 does
    // not restart a daemon whose configuration a restart cannot fix.
    log.error("cannot start: configuration error: \(error)")
    exit(78)
} catch {
    log.error("cannot start: \(error)")
    exit(1)
}
