import PCSC
import SSCardValues

/// PIN commands and the MAC-protected maintenance commands.
///
/// The cardholder commands (verify, change) return `PINVerification`; the
/// maintenance commands take a `SecurityModule`, fetch a fresh challenge
/// right before each command, and append the module's 4-byte MAC.
extension SocialSecurityApplication {
    /// VERIFY `00 20 00 00 Lc <PIN BCD, F-padded>`.
    public func verifyPIN(_ pin: PIN) throws(CardError) -> PINVerification {
        try ensureSelected()
        let response = try send(CommandAPDU(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x00, data: pin.encoded), as: .verifyPIN)
        return try verification(response.statusWord, .verifyPIN)
    }

    /// CHANGE PIN `80 5E 01 00 Lc <old> FF <new>`; `.wrong` and `.blocked`
    /// are about the old PIN.
    public func changePIN(old: PIN, new: PIN) throws(CardError) -> PINVerification {
        try ensureSelected()
        let data = old.encoded + [0xFF] + new.encoded
        let response = try send(CommandAPDU(cla: 0x80, ins: 0x5E, p1: 0x01, p2: 0x00, data: data), as: .changePIN)
        return try verification(response.statusWord, .changePIN)
    }

    /// RELOAD PIN `80 5E 00 00 Lc <new PIN> <MAC>`, after GET CHALLENGE:
    /// sets a new PIN and resets its retry counter without the old PIN
    /// (the counter's "reset password" service).
    public func reloadPIN(new: PIN, using module: any SecurityModule) throws(CardError) {
        try maintenance(.reloadPIN, purpose: .reloadPIN, cla: 0x80, ins: 0x5E, p1: 0x00, p2: 0x00,
                        dataBeforeMAC: new.encoded, module: module)
    }

    /// The counter's PIN reset: PIN UNBLOCK, then RELOAD PIN. The module is
    /// asked first whether it can MAC both for this card (`prepare`), so an
    /// absent PSAM or a missing key stops the reset before the card is
    /// sent either command, instead of after the unblock.
    public func resetPIN(new: PIN, using module: any SecurityModule) throws(CardError) {
        try ensureSelected()
        let context = try macContext()
        do {
            try module.prepare([KeyReference(purpose: .unblockPIN, algorithm: context.algorithm),
                                KeyReference(purpose: .reloadPIN, algorithm: context.algorithm)], cardId: context.cardId)
        } catch {
            throw .securityModule(error)
        }
        try unblockPIN(using: module)
        try reloadPIN(new: new, using: module)
    }

    /// PIN UNBLOCK `84 24 00 00 04 <MAC>`: resets the retry counter of a
    /// blocked PIN, keeping the PIN. The data field is the MAC alone; the MAC
    /// covers `84 24 00 00 04`.
    public func unblockPIN(using module: any SecurityModule) throws(CardError) {
        try maintenance(.unblockPIN, purpose: .unblockPIN, cla: 0x84, ins: 0x24, p1: 0x00, p2: 0x00,
                        dataBeforeMAC: [], module: module)
    }

    /// APPLICATION BLOCK `84 1E 00 P2 04 <MAC>`: P2 `00` temporary
    /// (undone by APPLICATION UNBLOCK), `01` permanent.
    public func blockApplication(permanent: Bool, using module: any SecurityModule) throws(CardError) {
        try maintenance(.blockApplication, purpose: .applicationMaintenance, cla: 0x84, ins: 0x1E, p1: 0x00,
                        p2: permanent ? 0x01 : 0x00, dataBeforeMAC: [], module: module)
    }

    /// APPLICATION UNBLOCK `84 18 00 00 04 <MAC>`. On a temporarily blocked
    /// application the card accepts this command while refusing others.
    public func unblockApplication(using module: any SecurityModule) throws(CardError) {
        try maintenance(.unblockApplication, purpose: .applicationMaintenance, cla: 0x84, ins: 0x18, p1: 0x00,
                        p2: 0x00, dataBeforeMAC: [], module: module)
    }

    private func verification(_ status: StatusWord, _ command: CardCommand) throws(CardError) -> PINVerification {
        if status.isSuccess { return .verified }
        if let tries = status.triesLeft { return tries == 0 ? .blocked : .wrong(triesLeft: tries) }
        if status == .pinBlocked { return .blocked }
        throw lockError(status, command)
    }

    private func maintenance(_ command: CardCommand, purpose: KeyPurpose, cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8,
                             dataBeforeMAC: [UInt8], module: any SecurityModule) throws(CardError) {
        try ensureSelected()
        let context = try macContext()
        let random = try challenge(length: context.algorithm.challengeLength)
        let request = MACRequest(purpose: purpose, algorithm: context.algorithm, cardId: context.cardId,
                                 challenge: random, cla: cla, ins: ins, p1: p1, p2: p2, dataBeforeMAC: dataBeforeMAC)
        let mac: [UInt8]
        do { mac = try module.mac(for: request) } catch { throw .securityModule(error) }
        guard mac.count == PBOCMAC.length else {
            throw .securityModule(.deviceUnavailable(reason: "returned \(mac.count) MAC bytes"))
        }
        let response = try send(CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: dataBeforeMAC + mac), as: command)
        guard response.statusWord.isSuccess else { throw lockError(response.statusWord, command) }
    }
}
