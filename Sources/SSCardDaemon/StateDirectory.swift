import Foundation

/// The state directory must exist and be writable before the registry opens,
/// so that a misconfigured unit fails at start with a clear message rather
/// than at the first mutation.
enum StateDirectory {
    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "state directory \(path): \(reason)" }
    }

    static func check(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Problem(path: path, reason: "does not exist")
        }
        guard isDirectory.boolValue else { throw Problem(path: path, reason: "is not a directory") }
        guard access(path, W_OK | X_OK) == 0 else {
            throw Problem(path: path, reason: "is not writable (\(String(cString: strerror(errno))))")
        }
        // access() does not see a read-only mount for root; a probe file does.
        let probe = (path as NSString).appendingPathComponent(".sscardd-write-probe")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw Problem(path: path, reason: "is not writable (read-only file system?)")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }
}
