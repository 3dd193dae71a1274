import Foundation
import PCSC
import SSCardValues

/// The commands a PSAM answers and where it keeps each key, as the PSAM
/// issuer's command manual sets them (docs/security-module.md, "The PSAM
/// profile"). A small text file of `name = hex bytes` lines:
///
/// ```
/// # "initialise for diversification": CLA INS (P1 = key usage, P2 = key index)
/// initialise = 80 1A
/// # "compute MAC": CLA INS P1 P2 (05 00: MAC with initial value, last block)
/// compute-mac = 80 FA 05 00
/// # purpose.algorithm = key usage, key index
/// reloadPIN.3des = 27 01
/// ```
///
/// Every line is optional: an empty file (or none) is `PSAMProfile()`, the
/// commonly used `80 1A` / `80 FA` forms and sscard's own usage/index table
/// (which its virtual PSAM follows). Key material never appears here.
public struct PSAMProfile: Equatable, Sendable {
    /// Where one key sits in the PSAM: P1 and P2 of "initialise for diversification".
    public struct KeySlot: Equatable, Sendable {
        public var usage: UInt8
        public var index: UInt8
        public init(usage: UInt8, index: UInt8) {
            self.usage = usage
            self.index = index
        }
    }

    /// CLA and INS of "initialise for diversification".
    public var initialise: (cla: UInt8, ins: UInt8) = (0x80, 0x1A)
    /// CLA, INS, P1 and P2 of "compute MAC".
    public var computeMAC: (cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8) = (0x80, 0xFA, 0x05, 0x00)
    public var slots: [KeyReference: KeySlot] = Self.defaultSlots

    /// sscard's defaults: usage `26` PIN unblock, `27` PIN reload, `28`
    /// application maintenance; index `01` for 3DES keys and `02` for SM4.
    /// A real PSAM's manual gives its own: put them in the profile file.
    public static let defaultSlots: [KeyReference: KeySlot] = {
        var slots = [KeyReference: KeySlot]()
        let usages: [KeyPurpose: UInt8] = [.unblockPIN: 0x26, .reloadPIN: 0x27, .applicationMaintenance: 0x28]
        for (purpose, usage) in usages {
            slots[KeyReference(purpose: purpose, algorithm: .tripleDES)] = KeySlot(usage: usage, index: 0x01)
            slots[KeyReference(purpose: purpose, algorithm: .sm4)] = KeySlot(usage: usage, index: 0x02)
        }
        return slots
    }()

    public init() {}

    /// Parses profile text; errors name the line.
    public init(text: String) throws(PSAMProfileError) {
        var seen = Set<String>()
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = offset + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            guard let equals = content.firstIndex(of: "=") else { throw .malformedLine(line: line) }
            let name = content[..<equals].trimmingCharacters(in: .whitespaces)
            let value = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let bytes = Hex.decode(value) else { throw .invalidHex(line: line) }
            guard seen.insert(name).inserted else { throw .duplicate(line: line, name: name) }
            switch name {
            case "initialise":
                guard bytes.count == 2 else { throw .wrongLength(line: line, name: name, expected: 2) }
                initialise = (bytes[0], bytes[1])
            case "compute-mac":
                guard bytes.count == 4 else { throw .wrongLength(line: line, name: name, expected: 4) }
                computeMAC = (bytes[0], bytes[1], bytes[2], bytes[3])
            default:
                guard let reference = KeyReference(name: name) else {
                    throw .unknownName(line: line, name: String(name.prefix(40)))
                }
                guard bytes.count == 2 else { throw .wrongLength(line: line, name: name, expected: 2) }
                slots[reference] = KeySlot(usage: bytes[0], index: bytes[1])
            }
        }
    }

    /// Reads a profile file.
    public init(contentsOfFile path: String) throws(PSAMProfileError) {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path) }
        try self.init(text: text)
    }

    /// "initialise for diversification" for `reference` with diversification data `data`.
    func initialiseCommand(_ slot: KeySlot, data: [UInt8]) -> CommandAPDU {
        CommandAPDU(cla: initialise.cla, ins: initialise.ins, p1: slot.usage, p2: slot.index, data: data)
    }

    /// "compute MAC" over `iv ‖ padded message`.
    func computeMACCommand(iv: [UInt8], padded: [UInt8]) -> CommandAPDU {
        CommandAPDU(cla: computeMAC.cla, ins: computeMAC.ins, p1: computeMAC.p1, p2: computeMAC.p2,
                    data: iv + padded)
    }

    public static func == (lhs: PSAMProfile, rhs: PSAMProfile) -> Bool {
        lhs.initialise == rhs.initialise && lhs.computeMAC == rhs.computeMAC && lhs.slots == rhs.slots
    }
}

/// Why a PSAM profile file was refused, naming the line.
public enum PSAMProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String)
    case malformedLine(line: Int)
    case invalidHex(line: Int)
    case unknownName(line: Int, name: String)
    case wrongLength(line: Int, name: String, expected: Int)
    case duplicate(line: Int, name: String)

    public var description: String {
        switch self {
        case let .unreadable(path): return "PSAM profile \(path): cannot be read as UTF-8 text"
        case let .malformedLine(line): return "PSAM profile line \(line): expected `name = hex bytes`"
        case let .invalidHex(line): return "PSAM profile line \(line): value is not hex"
        case let .unknownName(line, name):
            return "PSAM profile line \(line): unknown name \(name) (initialise, compute-mac or purpose.algorithm)"
        case let .wrongLength(line, name, expected): return "PSAM profile line \(line): \(name) needs \(expected) bytes"
        case let .duplicate(line, name): return "PSAM profile line \(line): \(name) given twice"
        }
    }
}
