import Foundation
import SocialSecurityCard
import SSCardValues

/// A virtual PSAM as `sscard-vcard --psam FILE` reads it: `name = value` lines.
///
/// ```
/// aid = A0 00 00 00 03 53 53 50 53 41 4D   # the key application's AID
/// serial = 31 00 00 00 00 00 00 00 00 01   # EF15's serial, 10 bytes
/// operator-pin = 12 34 56                  # VERIFY data, hex
/// operator-pin-tries = 3
/// key.27.01 = 3des 0123456789ABCDEFFEDCBA9876543210   # usage, index = algorithm master key
/// vanish-on-mac = 1                        # fault: leaves the reader on the next "compute MAC"
/// ```
///
/// For tests and the demo only: it holds master keys in a file.
public struct VirtualPSAMProfile: Sendable {
    public struct Key: Sendable {
        public var algorithm: KeyAlgorithm
        public var master: [UInt8]
    }

    public static let defaultAID: [UInt8] = [0xA0, 0x00, 0x00, 0x00, 0x03, 0x53, 0x53, 0x50, 0x53, 0x41, 0x4D]
    public var aid = Self.defaultAID
    public var serial: [UInt8] = [0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]
    public var operatorPIN: [UInt8] = [0x12, 0x34, 0x56]
    public var operatorPINTries = 3
    /// Keys by usage (P1) and index (P2) of "initialise for diversification".
    public var keys: [UInt16: Key] = [:]
    /// Fault: the PSAM leaves the reader when asked for a MAC.
    public var vanishOnMAC = false

    public init() {}

    public init(text: String) throws(CardProfileError) {
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let field = "line \(offset + 1)"
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            guard let equals = content.firstIndex(of: "=") else {
                throw .invalidValue(field: field, reason: "expected name = value")
            }
            let name = content[..<equals].trimmingCharacters(in: .whitespaces)
            let value = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            func hex(_ text: String) throws(CardProfileError) -> [UInt8] {
                guard let bytes = HexText.decode(text), !bytes.isEmpty else {
                    throw .invalidValue(field: field, reason: "\(name) is not hex")
                }
                return bytes
            }
            switch name {
            case "aid": aid = try hex(value)
            case "serial": serial = try hex(value)
            case "operator-pin": operatorPIN = value.isEmpty ? [] : try hex(value)
            case "operator-pin-tries":
                guard let tries = Int(value), (1...15).contains(tries) else {
                    throw .invalidValue(field: field, reason: "operator-pin-tries must be 1 to 15")
                }
                operatorPINTries = tries
            case "vanish-on-mac": vanishOnMAC = value == "1" || value == "true"
            default:
                let parts = name.split(separator: ".")
                guard parts.count == 3, parts[0] == "key", let usage = UInt8(parts[1], radix: 16),
                      let index = UInt8(parts[2], radix: 16) else {
                    throw .invalidValue(field: field, reason: "unknown name \(name.prefix(40))")
                }
                let words = value.split(separator: " ", maxSplits: 1)
                guard words.count == 2, let algorithm = KeyAlgorithm(rawValue: words[0].lowercased()) else {
                    throw .invalidValue(field: field, reason: "expected `3des HEX` or `sm4 HEX`")
                }
                let master = try hex(String(words[1]))
                guard algorithm.keyLengths.contains(master.count) else {
                    throw .invalidValue(field: field, reason: "wrong key length \(master.count)")
                }
                keys[UInt16(usage) << 8 | UInt16(index)] = Key(algorithm: algorithm, master: master)
            }
        }
    }

    public static func load(path: String) throws(CardProfileError) -> VirtualPSAMProfile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .invalidValue(field: path, reason: "cannot be read as UTF-8 text")
        }
        return try VirtualPSAMProfile(text: text)
    }
}
