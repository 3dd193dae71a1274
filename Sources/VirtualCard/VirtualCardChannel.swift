import PCSC

/// A `CardChannel` straight to an in-process `VirtualSSCard`, for unit
/// tests of the card application without pcscd. T=0 exchanges go through
/// the same `TransportExchange` as a real connection.
public final class VirtualCardChannel: CardChannel, @unchecked Sendable {
    public let card: VirtualSSCard
    /// Every raw APDU sent, in order, for tests that count or inspect them.
    public private(set) var sent: [[UInt8]] = []

    public init(card: VirtualSSCard) {
        self.card = card
    }

    public var atr: [UInt8] { card.atr }

    public func transmit(_ command: CommandAPDU) throws(PCSCError) -> ResponseAPDU {
        try TransportExchange.resolve(command) { apdu throws(PCSCError) in
            sent.append(apdu.bytes)
            guard case .respond(let bytes) = card.process(apdu.bytes), let response = ResponseAPDU(bytes: bytes) else {
                throw .removedCard
            }
            return response
        }
    }
}
