/// An ISO 7816 status word (SW1 SW2), kept as its raw bytes with names for
/// the values social security cards use.
public struct StatusWord: Hashable, Sendable, CustomStringConvertible {
    public let sw1: UInt8
    public let sw2: UInt8

    public init(sw1: UInt8, sw2: UInt8) {
        self.sw1 = sw1
        self.sw2 = sw2
    }

    public init(_ value: UInt16) {
        self.init(sw1: UInt8(value >> 8), sw2: UInt8(value & 0xFF))
    }

    public var rawValue: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }

    public static let success = StatusWord(0x9000)
    public static let pinBlocked = StatusWord(0x6983)
    public static let applicationPermanentlyLocked = StatusWord(0x9303)
    public static let functionNotSupported = StatusWord(0x6A81)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let recordNotFound = StatusWord(0x6A83)
    public static let securityStatusNotSatisfied = StatusWord(0x6982)
    public static let conditionsNotSatisfied = StatusWord(0x6985)
    public static let wrongData = StatusWord(0x6A80)
    public static let wrongLength = StatusWord(0x6700)
    public static let wrongParameters = StatusWord(0x6B00)
    public static let instructionNotSupported = StatusWord(0x6D00)
    public static let classNotSupported = StatusWord(0x6E00)
    public static let macInvalid = StatusWord(0x6988)

    public var isSuccess: Bool { self == .success }

    /// `61xx`: xx more bytes wait for GET RESPONSE (T=0).
    public var bytesAvailable: Int? { sw1 == 0x61 ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// `6Cxx`: resend with Le = xx (T=0).
    public var correctLength: Int? { sw1 == 0x6C ? (sw2 == 0 ? 256 : Int(sw2)) : nil }

    /// `63Cx`: wrong PIN, x tries left.
    public var triesLeft: Int? { sw1 == 0x63 && sw2 & 0xF0 == 0xC0 ? Int(sw2 & 0x0F) : nil }

    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }
}
