/// Something that carries APDUs to a card and brings back its responses.
///
/// The card application layer talks only to this protocol, so the same code
/// runs over a PC/SC connection in production and over an in-process virtual
/// card in unit tests.
public protocol CardChannel {
    /// Sends one command APDU and returns the card's raw response, after the
    /// transport-level T=0 exchanges (61xx GET RESPONSE, 6Cxx resend) have
    /// been resolved.
    func transmit(_ command: CommandAPDU) throws -> ResponseAPDU

    /// The card's answer to reset.
    var atr: [UInt8] { get }
}
