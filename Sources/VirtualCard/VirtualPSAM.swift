import Foundation
import PCSC
import SocialSecurityCard

/// An emulated PSAM: holds issuer master keys, derives each card's key inside
/// itself, and answers the commands `PSAMSecurityModule` sends
/// (docs/security-module.md):
///
/// - `00 B0 95 00 Le`: READ BINARY of EF15, the serial number;
/// - `00 A4 04 00 Lc AID`: SELECT the key application;
/// - `00 20 00 00 Lc PIN`: VERIFY the operator PIN, counting tries and
///   blocking at zero (`63Cx`, then `6983`);
/// - `80 1A P1 P2 Lc D` ("initialise for diversification"): the key at usage
///   P1, index P2 (`6A88` if none) diversified with D into the session key;
/// - `80 FA P1 P2 Lc IV ‖ padded message` ("compute MAC"): the 4-byte MAC
///   under the session key, which it then forgets.
///
/// The application selection, verified PIN and session key are lost on reset;
/// the try counter is not. The MAC arithmetic is `PBOCMAC.chain` and
/// `KeyDiversification`, the same code as the software module, so the two
/// agree by construction (and the tests check that the PSAM path agrees).
public final class VirtualPSAM: VirtualChip, @unchecked Sendable {
    private let lock = NSLock()
    public let profile: VirtualPSAMProfile
    private var triesLeft: Int
    private var selected = false
    private var verified = false
    private var session: (algorithm: KeyAlgorithm, key: [UInt8])?
    private var commands = 0

    public init(profile: VirtualPSAMProfile) {
        self.profile = profile
        triesLeft = profile.operatorPINTries
    }

    /// T=1, historical bytes "PSAM" and the serial's last 4 bytes.
    public var atr: [UInt8] {
        ATRBuilder.atr(historicalBytes: Array("PSAM".utf8) + profile.serial.suffix(4), protocol: .t1)
    }

    public var replyDelayMilliseconds: Int { 0 }
    public var operatorPINTriesLeft: Int { lock.withLock { triesLeft } }
    /// Commands answered so far, for benchmarks.
    public var commandCount: Int { lock.withLock { commands } }

    public func reset() {
        lock.withLock {
            selected = false
            verified = false
            clearSession()
        }
    }

    public func inserted() { reset() }

    public func process(_ bytes: [UInt8]) -> CardReply {
        lock.withLock {
            commands += 1
            guard let c = CommandAPDU(bytes: bytes) else { return .respond(sw(.wrongLength)) }
            if profile.vanishOnMAC, (c.cla, c.ins) == (0x80, 0xFA) { return .vanish }
            return .respond(handle(c))
        }
    }

    private func sw(_ word: StatusWord) -> [UInt8] { [word.sw1, word.sw2] }

    private func handle(_ c: CommandAPDU) -> [UInt8] {
        switch (c.cla, c.ins) {
        case (0x00, 0xB0):
            guard c.p1 == 0x95 else { return sw(.fileNotFound) }
            return Array(profile.serial.prefix(c.le ?? profile.serial.count)) + sw(.success)
        case (0x00, 0xA4):
            guard c.p1 == 0x04, c.data == profile.aid else { return sw(.fileNotFound) }
            selected = true
            verified = false
            clearSession()
            return sw(.success)
        case (0x00, 0x20): return verify(c)
        case (0x80, 0x1A): return initialise(c)
        case (0x80, 0xFA): return computeMAC(c)
        case (0x00, _), (0x80, _): return sw(.instructionNotSupported)
        default: return sw(.classNotSupported)
        }
    }

    private func verify(_ c: CommandAPDU) -> [UInt8] {
        guard selected else { return sw(.conditionsNotSatisfied) }
        guard triesLeft > 0 else { return sw(.pinBlocked) }
        // An empty VERIFY asks for the tries left (ISO 7816-4).
        if c.data.isEmpty { return verified ? sw(.success) : [0x63, 0xC0 | UInt8(triesLeft)] }
        let match = c.data.count == profile.operatorPIN.count
            && zip(c.data, profile.operatorPIN).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        guard match else {
            triesLeft -= 1
            verified = false
            return [0x63, 0xC0 | UInt8(triesLeft)]
        }
        triesLeft = profile.operatorPINTries
        verified = true
        return sw(.success)
    }

    private func initialise(_ c: CommandAPDU) -> [UInt8] {
        guard selected, verified || profile.operatorPIN.isEmpty else { return sw(.securityStatusNotSatisfied) }
        guard let key = profile.keys[UInt16(c.p1) << 8 | UInt16(c.p2)] else { return sw(StatusWord(0x6A88)) }
        guard c.data.count == 8 else { return sw(.wrongLength) }
        clearSession()
        guard let cardKey = try? KeyDiversification.cardKey(master: key.master, algorithm: key.algorithm, data: c.data) else {
            return sw(.wrongData)
        }
        session = (key.algorithm, cardKey)
        return sw(.success)
    }

    private func computeMAC(_ c: CommandAPDU) -> [UInt8] {
        guard selected, verified || profile.operatorPIN.isEmpty else { return sw(.securityStatusNotSatisfied) }
        guard let (algorithm, key) = session else { return sw(.conditionsNotSatisfied) }
        let blockSize = algorithm.blockSize
        guard c.data.count >= 2 * blockSize, c.data.count % blockSize == 0 else { return sw(.wrongLength) }
        defer { clearSession() }
        guard let block = try? PBOCMAC.chain(padded: Array(c.data.dropFirst(blockSize)), key: key, algorithm: algorithm,
                                             iv: Array(c.data.prefix(blockSize))) else { return sw(.wrongData) }
        return Array(block.prefix(PBOCMAC.length)) + sw(.success)
    }

    private func clearSession() { session = nil }
}
