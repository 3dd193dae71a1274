/// A change seen by `ReaderMonitor`.
public enum ReaderEvent: Hashable, Sendable, CustomStringConvertible {
    case readerAttached(String)
    case readerDetached(String)
    case cardInserted(reader: String, atr: [UInt8])
    case cardRemoved(reader: String)

    public var reader: String {
        switch self {
        case .readerAttached(let reader), .readerDetached(let reader),
             .cardInserted(let reader, _), .cardRemoved(let reader):
            return reader
        }
    }

    public var description: String {
        switch self {
        case .readerAttached(let reader): return "reader attached: \(reader)"
        case .readerDetached(let reader): return "reader detached: \(reader)"
        case .cardInserted(let reader, let atr): return "card inserted in \(reader), ATR \(hex(atr))"
        case .cardRemoved(let reader): return "card removed from \(reader)"
        }
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
