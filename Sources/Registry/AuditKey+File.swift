import Foundation

extension AuditKey {
    /// What is wrong with a key file, naming it (never its contents).
    public struct FileProblem: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "audit key \(path): \(reason)" }
    }

    /// Reads a key file: its bytes are the key (at least `minimumLength`).
    /// With `ownerOnly`, a file group or other may read or write is refused,
    /// naming its mode: group would be the socket group, every operator.
    public static func load(path: String, ownerOnly: Bool) throws -> AuditKey {
        if ownerOnly { try checkOwnerOnly(path) }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw FileProblem(path: path, reason: "cannot be read")
        }
        var bytes = [UInt8](data)
        defer {
            // Our copies; Swift gives no guarantee about copies the runtime made.
            for index in bytes.indices { bytes[index] = 0 }
            data.resetBytes(in: 0..<data.count)
        }
        guard let key = AuditKey(bytes: bytes) else {
            throw FileProblem(path: path, reason: "holds \(bytes.count) bytes; an audit key has at least "
                                  + "\(minimumLength) (create one with 'head -c 32 /dev/urandom')")
        }
        return key
    }

    static func checkOwnerOnly(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileProblem(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw FileProblem(path: path, reason: "is not a regular file") }
        let permissions = info.st_mode & 0o7777
        guard permissions & 0o077 == 0 else {
            var octal = String(permissions, radix: 8)
            while octal.count < 4 { octal = "0" + octal }
            throw FileProblem(path: path, reason: "mode \(octal) lets group or other read it; it must be readable "
                                  + "by its owner only (chmod 0400 or 0600)")
        }
    }
}
