import PCSC
import SSCardValues

/// Everything a security module needs to MAC one command for one card.
///
/// The MAC input is the command as sent, up to the MAC: `CLA INS P1 P2 Lc`
/// followed by the data before the MAC, where Lc counts the 4 MAC bytes too.
/// For PIN UNBLOCK that is just `84 24 00 00 04`.
public struct MACRequest: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public var purpose: KeyPurpose
    public var algorithm: KeyAlgorithm
    /// The card whose key is derived (see `KeyDiversification`).
    public var cardId: CardIdentificationCode
    /// The bytes the card returned to GET CHALLENGE.
    public var challenge: [UInt8]
    /// The bytes to MAC (header, Lc, data before the MAC). May hold a new PIN,
    /// so it is never part of a description.
    public var message: [UInt8]

    /// For a command about to be sent: `header` is CLA INS P1 P2, and
    /// `dataBeforeMAC` the data field without the MAC.
    public init(purpose: KeyPurpose, algorithm: KeyAlgorithm, cardId: CardIdentificationCode,
                challenge: [UInt8], cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, dataBeforeMAC: [UInt8]) {
        self.purpose = purpose
        self.algorithm = algorithm
        self.cardId = cardId
        self.challenge = challenge
        let lc = UInt8(truncatingIfNeeded: dataBeforeMAC.count + PBOCMAC.length)
        message = [cla, ins, p1, p2, lc] + dataBeforeMAC
    }

    /// For a command a card received (the virtual card's side): its data
    /// ends in the MAC. Nil if the data is too short to hold one.
    public init?(received command: CommandAPDU, purpose: KeyPurpose, algorithm: KeyAlgorithm,
                 cardId: CardIdentificationCode, challenge: [UInt8]) {
        guard command.data.count >= PBOCMAC.length else { return nil }
        self.init(purpose: purpose, algorithm: algorithm, cardId: cardId, challenge: challenge,
                  cla: command.cla, ins: command.ins, p1: command.p1, p2: command.p2,
                  dataBeforeMAC: Array(command.data.dropLast(PBOCMAC.length)))
    }

    /// The message may hold a new PIN: only its length is shown.
    public var description: String {
        "MACRequest(\(purpose).\(algorithm), cardId: \(cardId), message: \(message.count) bytes)"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["purpose": purpose, "algorithm": algorithm, "messageLength": message.count])
    }
}
