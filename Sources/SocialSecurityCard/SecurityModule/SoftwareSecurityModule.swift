import Foundation
import PCSC
import SSCardValues

/// A security module with master keys held in process memory.
///
/// For development, tests and the virtual card; production service points
/// use a PSAM or HSM. Keys come from a key file:
///
/// ```
/// # comment lines and blank lines are ignored
/// reloadPIN.3des = 0123456789ABCDEFFEDCBA9876543210
/// unblockPIN.sm4 = 00112233445566778899AABBCCDDEEFF
/// applicationMaintenance.3des = ...
/// ```
///
/// Names are `purpose.algorithm` (`KeyPurpose` raw values; `3des` or `sm4`).
/// Values are hex (spaces and colons allowed): 16 or 24 bytes for 3DES,
/// 16 for SM4. These are master keys; each card's key is derived with
/// `KeyDiversification`. Keys never appear in descriptions, mirrors or errors.
public struct SoftwareSecurityModule: SecurityModule, Sendable, CustomStringConvertible, CustomReflectable {
    /// Master keys in memory of their own, cleared when the module goes
    /// (`SecretBytes`); each MAC's derived card key is cleared after use.
    private let keys: [KeyReference: SecretBytes]

    public init(masterKeys: [KeyReference: [UInt8]]) throws(SecurityModuleError) {
        for (reference, key) in masterKeys where !reference.algorithm.keyLengths.contains(key.count) {
            throw .crypto(.wrongKeyLength(algorithm: reference.algorithm,
                                          expected: reference.algorithm.keyLengths.map(String.init).joined(separator: " or "),
                                          actual: key.count))
        }
        keys = masterKeys.mapValues { key in
            var copy = key
            return SecretBytes(consuming: &copy)
        }
    }

    /// Parses key-file text.
    public init(keyFile text: String) throws(KeyFileError) {
        var parsed = [KeyReference: SecretBytes]()
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            let content = rawLine.trimmingCharacters(in: .whitespaces)
            if content.isEmpty || content.hasPrefix("#") { continue }
            guard let equals = content.firstIndex(of: "=") else { throw .malformedLine(line: line) }
            let name = content[..<equals].trimmingCharacters(in: .whitespaces)
            let value = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !value.isEmpty else { throw .malformedLine(line: line) }
            guard let reference = KeyReference(name: name) else {
                // The name is text the operator typed, not key material; cap it anyway.
                throw .unknownKeyName(line: line, name: String(name.prefix(40)))
            }
            guard var key = Hex.decode(value) else { throw .invalidHex(line: line) }
            guard reference.algorithm.keyLengths.contains(key.count) else {
                let count = key.count
                SecretBytes.clear(&key)
                throw .wrongKeyLength(line: line, key: reference, actual: count)
            }
            guard parsed[reference] == nil else {
                SecretBytes.clear(&key)
                throw .duplicateKey(line: line, key: reference)
            }
            parsed[reference] = SecretBytes(consuming: &key)
        }
        keys = parsed
    }

    /// Reads and parses a key file.
    public init(contentsOfFile path: String) throws(KeyFileError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard let text = String(data: data, encoding: .utf8) else { throw .malformedLine(line: 1) }
        try self.init(keyFile: text)
    }

    /// The loaded key slots, for status displays.
    public var loadedKeys: [KeyReference] {
        keys.keys.sorted { $0.description < $1.description }
    }

    public func mac(for request: MACRequest) throws(SecurityModuleError) -> [UInt8] {
        let reference = KeyReference(purpose: request.purpose, algorithm: request.algorithm)
        guard let stored = keys[reference] else { throw .keyNotLoaded(reference) }
        var master = stored.copied()
        defer { SecretBytes.clear(&master) }
        do {
            var cardKey = try KeyDiversification.cardKey(master: master, algorithm: request.algorithm,
                                                         cardId: request.cardId)
            defer { SecretBytes.clear(&cardKey) }
            return try PBOCMAC.compute(message: request.message, key: cardKey, algorithm: request.algorithm,
                                       challenge: request.challenge)
        } catch {
            throw .crypto(error)
        }
    }

    /// Every key must be loaded; the software module has nothing else to open.
    public func prepare(_ references: [KeyReference], cardId: CardIdentificationCode) throws(SecurityModuleError) {
        for reference in references where keys[reference] == nil { throw .keyNotLoaded(reference) }
    }

    /// Checks the MAC at the end of a received command: the virtual card's
    /// side of `mac(for:)`. Compares without an early exit.
    public func verify(_ command: CommandAPDU, purpose: KeyPurpose, algorithm: KeyAlgorithm,
                       cardId: CardIdentificationCode, challenge: [UInt8]) throws(SecurityModuleError) -> Bool {
        guard let request = MACRequest(received: command, purpose: purpose, algorithm: algorithm,
                                       cardId: cardId, challenge: challenge) else { return false }
        let expected = try mac(for: request)
        let received = command.data.suffix(PBOCMAC.length)
        return zip(expected, received).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public var description: String {
        "SoftwareSecurityModule(keys: \(loadedKeys.map(\.description).joined(separator: ", ")))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["loadedKeys": loadedKeys.map(\.description)])
    }
}
