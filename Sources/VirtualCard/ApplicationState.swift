/// The state of the SSSE application on the chip.
public enum ApplicationState: String, Hashable, Sendable {
    case active
    /// Temporarily locked (APPLICATION BLOCK P2 00); APPLICATION UNBLOCK
    /// restores it. PIN commands and EF06 reads answer `6A81`; EF05 (issuer
    /// data, needed to MAC the unblock) stays readable.
    case locked
    /// Permanently locked (APPLICATION BLOCK P2 01). Commands answer `9303`.
    case permanentlyLocked
}
