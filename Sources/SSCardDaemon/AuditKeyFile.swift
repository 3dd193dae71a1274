import Foundation
import Registry

/// Where sscardd's audit key comes from, and the checks it passes first.
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

    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "audit key \(path): \(reason)" }
    }

    /// The key and the file it came from, or nil when none is configured.
    static func load(_ configuration: Configuration,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (key: AuditKey, path: String)? {
        if let path = configuration.auditKeyFile {
            try checkMode(path)
            return (try read(path), path)
        }
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = (directory as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: path) { return (try read(path), path) }
        }
        return nil
    }

    /// Refuses a file group or other may read or write, naming its mode.
    static func checkMode(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Problem(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw Problem(path: path, reason: "is not a regular file") }
        let permissions = info.st_mode & 0o7777
        if permissions & 0o077 != 0 {
            throw Problem(path: path, reason: "mode \(String(permissions, radix: 8, uppercase: false).leftPadded(4)) lets "
                              + "group or other read it; it must be readable by sscardd's user only (chmod 0400 or 0600)")
        }
    }

    static func read(_ path: String) throws -> AuditKey {
        guard var data = FileManager.default.contents(atPath: path) else {
            throw Problem(path: path, reason: "cannot be read")
        }
        var bytes = [UInt8](data)
        defer {
            // Our copies; Swift gives no guarantee about copies the runtime made.
            for index in bytes.indices { bytes[index] = 0 }
            data.resetBytes(in: 0..<data.count)
        }
        guard let key = AuditKey(bytes: bytes) else {
            throw Problem(path: path, reason: "holds \(bytes.count) bytes; an audit key has at least "
                              + "\(AuditKey.minimumLength) (create one with 'head -c 32 /dev/urandom')")
        }
        return key
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
