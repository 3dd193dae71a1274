import Foundation
import Glibc
import PCSC
import PostgreSQLStore
import Registry
import SocialSecurityCard
import SSCardValues

/// What the start resolves from the configuration before it opens anything:
/// the issuer key file loaded, the socket group's id, the reader choice.
///
/// `sscardd --check-config` builds the same value and throws it away, so the
/// check and the start cannot disagree; neither touches a database here (the
/// store is opened by `RegistryService`, later). A problem is a
/// `ConfigurationError`, exit 78: restarting cannot fix a configuration.
public struct StartSettings: Sendable {
    /// The software security module, when `security-module-keys` names a file.
    public let securityModule: (any SecurityModule & Sendable)?
    /// The gid for the socket file, when `socket-group` names one.
    public let socketGroupID: gid_t?
    public let readerChoice: ReaderChoice
    /// The audit chain's HMAC key and the file it came from, if any.
    let auditKey: (key: AuditKey, path: String)?

    /// Checks and loads; `configurationPath` is the file errors are reported against.
    public init(_ configuration: Configuration, configurationPath: String) throws {
        func problem(_ message: String) -> ConfigurationError {
            ConfigurationError(path: configurationPath, line: nil, message: message)
        }
        guard let choice = ReaderChoice(iType: configuration.readerType) else {
            throw problem("'reader-type' \(configuration.readerType) is not an iType (1 to 4)")
        }
        readerChoice = choice
        if let name = configuration.socketGroup {
            guard let gid = RoleResolver.groupID(named: name) else {
                throw problem("socket-group '\(name)' does not exist")
            }
            socketGroupID = gid
        } else {
            socketGroupID = nil
        }
        do {
            auditKey = try AuditKeyFile.load(configuration)
        } catch {
            throw problem("\(error)")
        }
        // A password in sscardd.conf makes the file a secret too.
        if configuration.postgresqlConninfo.map({ PGConninfo.carriesSecret($0.text) }) == true {
            try Self.checkConfigurationFileMode(configurationPath, problem: problem)
        }
        switch configuration.securityModule {
        case .software:
            securityModule = try configuration.securityModuleKeys.map { path in
                try Self.checkKeyFileMode(path, problem: problem)
                do {
                    return try SoftwareSecurityModule(contentsOfFile: path)
                } catch {
                    throw problem("security module keys: \(error)")
                }
            }
        case .psam:
            securityModule = try Self.psamModule(configuration, problem: problem)
        }
    }

    /// The PSAM module: its reader, AID and profile from the file, its
    /// operator PIN from the `psam-pin` credential (mode-checked like the
    /// keys). Nothing is sent to the PSAM here: it may be inserted later,
    /// and `sscardctl psam status` says whether it is there.
    static func psamModule(_ configuration: Configuration, problem: (String) -> ConfigurationError) throws -> PSAMSecurityModule {
        guard let reader = configuration.psamReader else {
            throw problem("security-module = psam needs psam-reader (the PSAM's reader or SAM slot)")
        }
        if configuration.securityModuleKeys != nil {
            throw problem("security-module = psam loads no issuer keys: remove security-module-keys")
        }
        let profile: PSAMProfile
        do {
            profile = try configuration.psamProfile.map { try PSAMProfile(contentsOfFile: $0) } ?? PSAMProfile()
        } catch {
            throw problem("psam-profile: \(error)")
        }
        var pin: [UInt8] = []
        if let path = configuration.psamPINFile {
            try checkKeyFileMode(path, problem: problem, what: "psam-pin")
            guard let data = FileManager.default.contents(atPath: path) else {
                throw problem("psam-pin: \(path) cannot be read")
            }
            var text = Array(data)
            defer { SecretBytes.clear(&text) }
            let digits = String(decoding: text.filter { !Set(" \t\r\n".utf8).contains($0) }, as: UTF8.self)
            guard let decoded = Hex.decode(digits), !decoded.isEmpty, decoded.count <= 16 else {
                throw problem("psam-pin: \(path) must hold the operator PIN as hex digits (e.g. 123456)")
            }
            pin = decoded
        }
        return PSAMSecurityModule(reader: reader, aid: configuration.psamAID, profile: profile, operatorPIN: &pin)
    }

    /// Issuer master keys derive every card's maintenance keys: a key file
    /// that the group or others may read (or write) is refused, naming the
    /// file and its mode, rather than used. systemd's `LoadCredential=` gives
    /// the daemon a 0400 copy; a plain file should be 0600 or 0400.
    static func checkKeyFileMode(_ path: String, problem: (String) -> ConfigurationError,
                                 what: String = "security module keys") throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw problem("\(what): \(path): \(String(cString: strerror(errno)))")
        }
        let permissions = UInt32(status.st_mode) & 0o777
        guard permissions & 0o077 == 0 else {
            throw problem("\(what): \(path) is mode \(String(format: "%04o", permissions)); "
                + "secrets must be accessible to their owner only (chmod 0600, or LoadCredential=)")
        }
    }

    /// A configuration file whose conninfo carries a password must be
    /// readable by its owner only: `sscard` is the socket group, so a 0640
    /// root:sscard file would hand the database password to every operator.
    /// Better still, the `pgpass` credential (docs/operations.md, "Secrets").
    static func checkConfigurationFileMode(_ path: String, problem: (String) -> ConfigurationError) throws {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        let permissions = UInt32(status.st_mode) & 0o777
        guard permissions & 0o044 == 0 else {
            throw problem("\(path) is mode \(String(format: "%04o", permissions)) and holds a password in "
                + "postgresql-conninfo: make it readable by its owner only (chmod 0600), or move the password "
                + "to the pgpass credential")
        }
    }
}
