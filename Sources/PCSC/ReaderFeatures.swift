/// The PC/SC part 10 features a reader offers, from the TLV list it returns
/// for `CM_IOCTL_GET_FEATURE_REQUEST`.
///
/// Each entry is tag (1 byte), length (always 4), and the big-endian control
/// code to use with `SCardControl` for that feature. A PIN pad reader offers
/// `FEATURE_VERIFY_PIN_DIRECT` and `FEATURE_MODIFY_PIN_DIRECT`, so the PIN is
/// typed on the reader and never reaches this process.
public struct ReaderFeatures: Hashable, Sendable {
    /// `SCARD_CTL_CODE(3400)`.
    public static let getFeatureRequest = controlCode(3400)

    public static let verifyPINDirectTag: UInt8 = 0x06
    public static let modifyPINDirectTag: UInt8 = 0x07

    /// Control code per feature tag.
    public private(set) var controlCodes: [UInt8: UInt32] = [:]

    public init() {}

    /// Nil if the list is malformed (an entry runs past the end or has a
    /// length other than 4), since a half-understood reader should not be
    /// sent PIN commands.
    public init?(tlv bytes: [UInt8]) {
        var index = 0
        while index < bytes.count {
            guard index + 2 <= bytes.count else { return nil }
            let tag = bytes[index]
            let length = Int(bytes[index + 1])
            guard length == 4, index + 2 + length <= bytes.count else { return nil }
            let value = bytes[(index + 2)..<(index + 6)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            controlCodes[tag] = value
            index += 2 + length
        }
    }

    public var verifyPINDirect: UInt32? { controlCodes[Self.verifyPINDirectTag] }
    public var modifyPINDirect: UInt32? { controlCodes[Self.modifyPINDirectTag] }
    public var hasPINPad: Bool { verifyPINDirect != nil }

    /// Errors from the feature probe that mean the card or pcscd went away,
    /// not that the reader refused the probe.
    public static func endsTheSession(_ error: PCSCError) -> Bool {
        [.removedCard, .noSmartcard, .resetCard, .invalidHandle, .noService, .serviceStopped, .readerUnavailable,
         .unknownReader, .cancelled].contains(error)
    }

    /// pcsclite's `SCARD_CTL_CODE`, a macro Swift does not import.
    public static func controlCode(_ code: UInt32) -> UInt32 { 0x4200_0000 + code }
}
