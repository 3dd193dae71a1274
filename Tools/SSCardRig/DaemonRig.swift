import Foundation
import Glibc

/// An sscardd process on a private socket and state directory, reading
/// cards through the shared private pcscd.
///
/// Role groups are numeric gids, so tests can act as other users without
/// touching the system's user database: a child started through
/// `setpriv --reuid --regid --groups` connects with those credentials.
public final class DaemonRig: @unchecked Sendable {
    public static let adminGid: UInt32 = 61_010
    public static let operatorGid: UInt32 = 61_011
    public static let kioskGid: UInt32 = 61_012
    public static let remoteGid: UInt32 = 61_014
    public static let socketGid: UInt32 = 61_013
    public static let otherUid: UInt32 = 61_100

    public let directory: String
    public let socketPath: String
    public let configPath: String
    public let stateDirectory: String
    /// The line of sscardd.conf where the `extra` lines begin.
    public let firstExtraLine: Int
    public private(set) var daemon: ChildProcess?
    private var starts = 0

    /// Writes a configuration (with `extra` lines appended) and starts sscardd.
    /// `softwareKeys: false` leaves out the issuer key file (a PSAM's service point).
    public init(extra: String = "", start: Bool = true, softwareKeys: Bool = true) throws {
        _ = PCSCRig.shared  // sets PCSCLITE_CSOCK_NAME for the children
        directory = NSTemporaryDirectory() + "sscardd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        stateDirectory = directory + "/state"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        // Other uids must reach the socket: the directory is traversable, the socket itself is 0660.
        chmod(directory, 0o755)
        socketPath = directory + "/sscard.sock"
        configPath = directory + "/sscardd.conf"
        let keys = directory + "/issuer-keys.conf"
        try Self.issuerKeys.write(toFile: keys, atomically: true, encoding: .utf8)
        // sscardd refuses issuer keys the group or others may read.
        chmod(keys, 0o600)
        let lines = """
            state-directory = \(stateDirectory)
            socket-path = \(socketPath)
            socket-group = \(Self.socketGid)
            service-point = test-140105
            admin-group = \(Self.adminGid)
            operator-group = \(Self.operatorGid)
            kiosk-group = \(Self.kioskGid)
            remote-group = \(Self.remoteGid)
            \(softwareKeys ? "security-module-keys = \(keys)" : "# no issuer keys")
            terminal-number = T01
            terminal-device = VPCD
            log-level = debug
            """
        // Where `extra` starts, for tests that expect an error on its line.
        firstExtraLine = lines.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        let configuration = lines + "\n" + extra
        try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        // Owner-only, as sscardd requires of a configuration that holds a
        // password (some suites put one in postgresql-conninfo).
        chmod(configPath, 0o600)
        if start { try self.start() }
    }

    /// Starts sscardd and returns once it listens.
    public func start(environment: [String: String] = [:]) throws {
        starts += 1
        let binary = PCSCRig.productsDirectory + "/sscardd"
        var arguments = ["--config", configPath]
        var executable = binary
        if !environment.isEmpty {
            executable = "/usr/bin/env"
            arguments = environment.map { "\($0)=\($1)" } + [binary] + arguments
        }
        let process = try ChildProcess(name: "sscardd", executable: executable, arguments: arguments,
                                       logPath: directory + "/sscardd-\(starts).log")
        try process.waitForLine(containing: "listening on")
        daemon = process
    }

    /// SIGTERM and wait; returns the exit code.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let daemon else { return 0 }
        // Not once it has been reaped: its pid may belong to another process by now.
        if daemon.isRunning { kill(daemon.pid, signal) }
        let code = daemon.waitForExit()
        self.daemon = nil
        return code
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs sscardctl against this daemon, optionally as another uid with the
    /// given groups (via setpriv); returns exit code and output. With a
    /// `locale`, sscardctl sees only LANG set to it (no LC_ALL or
    /// LC_MESSAGES from the test runner to override it).
    public func sscardctl(_ arguments: [String], uid: UInt32? = nil, groups: [UInt32] = [],
                          socketAccess: Bool = true, stdin: String? = nil,
                          locale: String? = nil) throws -> (code: Int32, output: String) {
        let binary = PCSCRig.productsDirectory + "/sscardctl"
        var command = [binary, "--socket", socketPath] + arguments
        if let uid {
            let primary = groups.first ?? uid
            command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(primary)",
                       "--groups=\((groups + (socketAccess ? [Self.socketGid] : [])).map(String.init).joined(separator: ","))",
                       "--"] + command
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if let locale {
            var environment = ProcessInfo.processInfo.environment
            // Empty, not unset: POSIX treats an empty LC_ALL as unset, and
            // sscardctl must too (so the locale tests cover that case).
            environment["LC_ALL"] = ""
            environment["LC_MESSAGES"] = nil
            environment["LANG"] = locale
            process.environment = environment
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    public static let issuerKeys = """
        reloadPIN.3des = 0123456789ABCDEFFEDCBA9876543210
        unblockPIN.3des = 00112233445566778899AABBCCDDEEFF
        applicationMaintenance.3des = FFEEDDCCBBAA99887766554433221100
        reloadPIN.sm4 = 0123456789ABCDEFFEDCBA9876543210
        unblockPIN.sm4 = 00112233445566778899AABBCCDDEEFF
        applicationMaintenance.sm4 = FFEEDDCCBBAA99887766554433221100
        """

    /// A card profile for sscard-vcard with the same issuer keys.
    public static func profile(cardNumber: String, cardId: String, ssn: String, name: String,
                               specVersion: String = "3.00", pin: String = "123456") -> String {
        let algorithm = specVersion.hasPrefix("3") ? "sm4" : "3des"
        return """
            {"protocol": "T=1", "cardId": "\(cardId)", "cardCategory": "3", "specVersion": "\(specVersion)",
             "issueDate": "2024-03-01", "expiryDate": "2034-03-01", "cardNumber": "\(cardNumber)",
             "ssn": "\(ssn)", "name": "\(name)", "sex": "1", "ethnicity": "01", "birthplace": "110105",
             "birthDate": "\(ssn.dropFirst(6).prefix(4))-\(ssn.dropFirst(10).prefix(2))-\(ssn.dropFirst(12).prefix(2))",
             "pin": "\(pin)", "pinTries": 3, "pinMaxTries": 3,
             "keys": {"reloadPIN.\(algorithm)": "0123456789ABCDEFFEDCBA9876543210",
                      "unblockPIN.\(algorithm)": "00112233445566778899AABBCCDDEEFF",
                      "applicationMaintenance.\(algorithm)": "FFEEDDCCBBAA99887766554433221100"}}
            """
    }
}
