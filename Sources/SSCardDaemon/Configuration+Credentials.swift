import Foundation
import PostgreSQLStore

/// Secrets from systemd credentials.
///
/// sscardd.service loads `issuer-keys`, `psam-pin` and `pgpass` with `LoadCredential=`
/// from root-only files in /etc/sscard/credentials (created empty by
/// tmpfiles.d); systemd hands the daemon private read-only copies in
/// `$CREDENTIALS_DIRECTORY` that no other uid can read. An empty credential
/// means "not used here" (a service point with a PSAM, or on SQLite).
extension Configuration {
    /// The directory systemd put the credentials in, if any.
    public static func credentialsDirectory(_ environment: [String: String]) -> String? {
        environment["CREDENTIALS_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A credential's path when it exists and is not empty.
    static func credential(_ name: String, in environment: [String: String]) -> String? {
        guard let directory = credentialsDirectory(environment) else { return nil }
        let path = (directory as NSString).appendingPathComponent(name)
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 else { return nil }
        return path
    }

    /// Fills in what the file left unset from the credentials: the issuer
    /// key file, and a `passfile` for a PostgreSQL conninfo that names no
    /// password of its own.
    mutating func applyCredentials(_ environment: [String: String]) throws {
        // With a PSAM no key file is loaded at all, whatever the credential holds.
        if securityModule == .software, securityModuleKeys == nil, let keys = Self.credential("issuer-keys", in: environment) {
            securityModuleKeys = keys
        }
        if securityModule == .psam, psamPINFile == nil {
            psamPINFile = Self.credential("psam-pin", in: environment)
        }
        if let conninfo = postgresqlConninfo, !conninfo.hasSecret, conninfo.value("passfile") == nil,
           let passfile = Self.credential("pgpass", in: environment) {
            postgresqlConninfo = try PGConninfo(Self.adding(passfile: passfile, to: conninfo.text))
        }
    }

    /// `text` with `passfile=PATH`, in keyword form or as a URI query parameter.
    static func adding(passfile: String, to text: String) -> String {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            let encoded = passfile.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? passfile
            return text + (text.contains("?") ? "&" : "?") + "passfile=" + encoded
        }
        let quoted = "'" + passfile.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        return text + " passfile=" + quoted
    }
}
