import Foundation
import Glibc
import SSCardRig
import Testing

/// Secrets reach sscardd as systemd credentials ($CREDENTIALS_DIRECTORY),
/// and a sscardd.conf that holds a password must be its owner's alone.
@Suite("sscardd: secrets from credentials", .serialized)
struct CredentialsTests {
    /// The rig's configuration without its `security-module-keys` line.
    static func configurationWithoutKeys(_ rig: DaemonRig) throws -> String {
        let text = try String(contentsOfFile: rig.configPath, encoding: .utf8)
        let path = rig.directory + "/no-keys.conf"
        try text.split(separator: "\n").filter { !$0.hasPrefix("security-module-keys") }.joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func credentials(_ rig: DaemonRig, keys: String) throws -> String {
        let directory = rig.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try keys.write(toFile: directory + "/issuer-keys", atomically: true, encoding: .utf8)
        chmod(directory + "/issuer-keys", 0o400)
        return directory
    }

    @Test("issuer keys come from the issuer-keys credential when sscardd.conf names none; an empty one means none")
    func issuerKeysFromTheCredential() throws {
        let rig = try DaemonRig(start: false)
        let config = try Self.configurationWithoutKeys(rig)
        let directory = try Self.credentials(rig, keys: DaemonRig.issuerKeys)
        let loaded = try runToEnd("/usr/bin/env", ["CREDENTIALS_DIRECTORY=\(directory)", DaemonProcessTests.sscardd,
                                                   "--config", config, "--check-config"])
        #expect(loaded.code == 0, "\(loaded.output)")
        #expect(loaded.output.contains("issuer keys: \(directory)/issuer-keys ("), "\(loaded.output)")
        #expect(!loaded.output.contains("0123456789ABCDEF"), "never a key")
        try "".write(toFile: directory + "/issuer-keys", atomically: true, encoding: .utf8)
        let empty = try runToEnd("/usr/bin/env", ["CREDENTIALS_DIRECTORY=\(directory)", DaemonProcessTests.sscardd,
                                                  "--config", config, "--check-config"])
        #expect(empty.code == 0, "\(empty.output)")
        #expect(empty.output.contains("issuer keys: none"), "\(empty.output)")
    }

    @Test("a sscardd.conf with a password that the group or others can read is refused, naming it and its mode")
    func aConfigurationHoldingAPasswordIsItsOwnersAlone() throws {
        let rig = try DaemonRig(extra: """
            registry-engine = postgresql
            postgresql-conninfo = host=/nonexistent dbname=sscard user=sscardd password=hunter2
            """, start: false)
        for mode in [0o644, 0o640, 0o604] as [mode_t] {
            chmod(rig.configPath, mode)
            let result = try CheckConfigTests.check(rig)
            #expect(result.code == 78, "\(result.output)")
            #expect(result.output.contains("\(rig.configPath) is mode 0\(String(mode, radix: 8)) and holds a password"),
                    "\(result.output)")
            #expect(!result.output.contains("hunter2"))
        }
        chmod(rig.configPath, 0o600)
        let accepted = try CheckConfigTests.check(rig)
        #expect(accepted.code == 0, "\(accepted.output)")
        #expect(accepted.output.contains("password=********") && !accepted.output.contains("hunter2"), "\(accepted.output)")
    }

    @Test("the pgpass credential becomes the conninfo's passfile when the conninfo names no password")
    func pgpassFromTheCredential() throws {
        let rig = try DaemonRig(extra: """
            registry-engine = postgresql
            postgresql-conninfo = host=/nonexistent dbname=sscard user=sscardd
            """, start: false)
        let directory = try Self.credentials(rig, keys: DaemonRig.issuerKeys)
        try "*:*:*:sscardd:hunter2\n".write(toFile: directory + "/pgpass", atomically: true, encoding: .utf8)
        chmod(directory + "/pgpass", 0o400)
        let result = try runToEnd("/usr/bin/env", ["CREDENTIALS_DIRECTORY=\(directory)", DaemonProcessTests.sscardd,
                                                   "--config", rig.configPath, "--check-config"])
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains("passfile=\(directory)/pgpass"), "\(result.output)")
        #expect(!result.output.contains("hunter2"))
    }
}
