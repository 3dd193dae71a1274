import PCSC

/// Checks the issuer MAC on a secured command (RELOAD PIN, PIN UNBLOCK,
/// APPLICATION BLOCK / UNBLOCK).
///
/// A protocol so that tests can make a card that rejects or accepts every
/// MAC; the real check is `IssuerMACVerifier`.
public protocol CommandMACVerifier: Sendable {
    /// - Parameters:
    ///   - command: the command as received, its data ending in the 4-byte MAC.
    ///   - challenge: the card's last GET CHALLENGE answer, if any.
    ///   - profile: the card, for its keys, identification code and generation.
    func verify(command: CommandAPDU, challenge: [UInt8]?, profile: CardProfile) -> Bool
}
