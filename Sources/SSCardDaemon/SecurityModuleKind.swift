import SSCardValues

/// `security-module` in sscardd.conf: who computes the MACs of PIN reset,
/// PIN unblock and application block (docs/security-module.md).
public enum SecurityModuleKind: String, Sendable, Equatable {
    /// Master keys from the `issuer-keys` credential, in memory: development,
    /// tests and labs. sscardd logs a warning when it runs with it.
    case software
    /// A PSAM in `psam-reader`: no key material on the host.
    case psam
}

/// Defaults and parsing for the `psam-*` keys.
public enum PSAMDefaults {
    /// sscard's virtual PSAM's key application; a real PSAM's AID is in its
    /// issuer's manual and goes in `psam-aid`.
    public static let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x00, 0x03, 0x53, 0x53, 0x50, 0x53, 0x41, 0x4D]

    static func hex(_ text: String) -> [UInt8]? {
        Hex.decode(text.filter { !$0.isWhitespace })
    }
}
