/// The holder's sex as EF06 tag 0A records it (GB/T 2261.1 codes).
public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    case male
    case female

    /// The chip's ASCII code: '1' male, '2' female.
    public init?(chipCode: UInt8) {
        switch chipCode {
        case UInt8(ascii: "1"): self = .male
        case UInt8(ascii: "2"): self = .female
        default: return nil
        }
    }

    public var chipCode: UInt8 {
        switch self {
        case .male: return UInt8(ascii: "1")
        case .female: return UInt8(ascii: "2")
        }
    }
}
