import VirtualCard

/// Where the issuer MAC check comes from; nil until the card application
/// publishes its MAC scheme, in which case secured commands answer 6D00.
enum IssuerMAC {
    static let verifier: CommandMACVerifier? = nil
}
