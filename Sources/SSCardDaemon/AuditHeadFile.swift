import Foundation
import Registry

/// The head file: the audit chain's head as sscardd last checkpointed it, and
/// the last head a verification passed, kept beside the registry in the state
/// directory (`audit-head`).
///
/// It is the database's outside memory: a chain cut short or rewritten still
/// links, but no longer reaches the head recorded here. Written atomically
/// (temporary file, fsync, rename, fsync of the directory), so a crash leaves
/// the old head or the new one, never a torn file.
struct AuditHeadFile {
    /// What the file holds.
    struct Contents: Codable, Equatable {
        var chain: String
        /// `sequence:HEX` of the newest entry when last checkpointed.
        var head: String
        /// `sequence:HEX` of the newest entry the last passed verification reached.
        var verified: String?

        var headValue: AuditHead? { AuditHead(chain: chain, text: head) }
        var verifiedValue: AuditHead? { verified.flatMap { AuditHead(chain: chain, text: $0) } }
    }

    struct Problem: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "audit head file \(path): \(reason)" }
    }

    static let name = "audit-head"
    let path: String

    init(stateDirectory: String) {
        path = (stateDirectory as NSString).appendingPathComponent(Self.name)
    }

    /// Nil when there is no file yet (a registry never checkpointed with a key).
    func read() throws -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(path: path, reason: "cannot be read")
        }
        guard let contents = try? JSONDecoder().decode(Contents.self, from: data), contents.headValue != nil else {
            throw Problem(path: path, reason: "is not an audit head file (move it aside to start a new one)")
        }
        return contents
    }

    func write(_ contents: Contents) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(contents)
        data.append(0x0A)
        do {
            try AtomicFile.replace(path, with: Array(data), mode: 0o600)
        } catch {
            throw Problem(path: path, reason: "\(error.step): \(error.reason)")
        }
    }
}
