/// Which issuer key protects a command. Cards keep one key per purpose, so
/// a security module keeps one master key per purpose and algorithm.
public enum KeyPurpose: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// RELOAD PIN (`80 5E 00 00`): sets a new PIN without the old one.
    case reloadPIN
    /// PIN UNBLOCK (`84 24 00 00`): resets the PIN retry counter.
    case unblockPIN
    /// APPLICATION BLOCK / UNBLOCK (`84 1E`, `84 18`): the application
    /// maintenance key, shared by both, as in PBOC.
    case applicationMaintenance

    public var description: String { rawValue }
}

/// One master key slot: a purpose under an algorithm, written
/// `reloadPIN.3des` in key files and messages.
public struct KeyReference: Hashable, Sendable, CustomStringConvertible {
    public var purpose: KeyPurpose
    public var algorithm: KeyAlgorithm

    public init(purpose: KeyPurpose, algorithm: KeyAlgorithm) {
        self.purpose = purpose
        self.algorithm = algorithm
    }

    /// Parses `purpose.algorithm`; nil if either part is unknown.
    public init?(name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let purpose = KeyPurpose(rawValue: String(parts[0])),
              let algorithm = KeyAlgorithm(rawValue: String(parts[1]).lowercased()) else { return nil }
        self.init(purpose: purpose, algorithm: algorithm)
    }

    public var description: String { "\(purpose.rawValue).\(algorithm.rawValue)" }
}
