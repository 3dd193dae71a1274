import Foundation
import Registry

/// Where sscardd's audit key comes from.
///
/// In production the key is a systemd credential (`LoadCredential=audit-key:…`
/// in sscardd.service): systemd copies it into `$CREDENTIALS_DIRECTORY`, a
/// directory only the service's user can enter, so its mode there is
/// systemd's business. For development and tests `audit-key-file` in
/// sscardd.conf names a file instead; that file must be readable by its owner
/// only, because group or other would let an operator (the socket group)
/// recompute the chain's MACs. Without either the chain stays unkeyed, as
/// before, and the start says so in the journal.
enum AuditKeyFile {
    static let credentialName = "audit-key"

    /// The key and the file it came from, or nil when none is configured.
    static func load(_ configuration: Configuration,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (key: AuditKey, path: String)? {
        if let path = configuration.auditKeyFile {
            return (try AuditKey.load(path: path, ownerOnly: true), path)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = (directory as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: path) { return (try AuditKey.load(path: path, ownerOnly: false), path) }
        }
        return nil
    }
}
