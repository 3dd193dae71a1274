/// Checks the issuer MAC on a secured command (RELOAD PIN, PIN UNBLOCK,
/// APPLICATION BLOCK / UNBLOCK).
///
/// The scheme and keys are the card application's (SocialSecurityCard);
/// the virtual card only asks this question, so it verifies exactly what a
/// real chip would accept from our security module.
public protocol CommandMACVerifier: Sendable {
    /// - Parameters:
    ///   - command: the command as sent, its data ending in the 4-byte MAC.
    ///   - challenge: the card's last GET CHALLENGE answer, if any.
    ///   - keys: the profile's issuer keys, by name.
    func verify(command: [UInt8], challenge: [UInt8]?, keys: [String: [UInt8]]) -> Bool
}
