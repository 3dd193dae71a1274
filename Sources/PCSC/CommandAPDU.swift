/// An ISO 7816-4 command APDU: header, optional data, optional Le.
///
/// Only short APDUs (Lc ≤ 255, Le ≤ 256) exist on social security cards, so
/// that is all this type encodes; a longer body is a programming error caught
/// at construction.
public struct CommandAPDU: Hashable, Sendable, CustomStringConvertible {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    /// Expected response length; `nil` means none expected (case 1 or 3).
    /// 256 is encoded as 00.
    public var le: Int?

    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], le: Int? = nil) {
        precondition(data.count <= 255, "short APDUs carry at most 255 data bytes")
        precondition(le.map { (1...256).contains($0) } ?? true, "Le must be 1...256")
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.le = le
    }

    /// The bytes sent to the card.
    public var bytes: [UInt8] {
        var out: [UInt8] = [cla, ins, p1, p2]
        if !data.isEmpty {
            out.append(UInt8(data.count))
            out += data
        }
        if let le { out.append(UInt8(truncatingIfNeeded: le)) }
        return out
    }

    /// Parses a short command APDU, as the virtual card receives it.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 4 else { return nil }
        let body = Array(bytes.dropFirst(4))
        var data: [UInt8] = []
        var le: Int?
        switch body.count {
        case 0: break
        case 1: le = body[0] == 0 ? 256 : Int(body[0])
        default:
            let lc = Int(body[0])
            guard lc > 0, body.count == 1 + lc || body.count == 2 + lc else { return nil }
            data = Array(body[1...lc])
            if body.count == 2 + lc { le = body[lc + 1] == 0 ? 256 : Int(body[lc + 1]) }
        }
        self.init(cla: bytes[0], ins: bytes[1], p1: bytes[2], p2: bytes[3], data: data, le: le)
    }

    /// The header only; data may be a PIN, so it never appears in text.
    public var description: String {
        let header = [cla, ins, p1, p2].map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
        return "APDU(\(header), Lc=\(data.count), Le=\(le.map(String.init) ?? "-"))"
    }
}
