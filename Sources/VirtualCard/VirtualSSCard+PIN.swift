import PCSC

/// PIN and issuer-secured commands of the emulated SSSE application.
///
/// Try counter: a wrong PIN answers `63Cx` with x tries left (`63C0` on the
/// last one); once it is 0, VERIFY and CHANGE PIN answer `6983` until a
/// MAC-secured RELOAD PIN or PIN UNBLOCK resets it. A correct PIN leaves the
/// chip verified until it is reset; an empty VERIFY then answers `9000`
/// (ISO 7816-4's status check), so a test can see whether a session that
/// verified a PIN was left open.
extension VirtualSSCard {
    func verify(_ c: CommandAPDU) -> [UInt8] {
        guard c.p1 == 0x00, c.p2 == 0x00 else { return sw(.wrongParameters) }
        guard profile.pinTries > 0 else { return sw(.pinBlocked) }
        // An empty VERIFY asks for the security state without spending a try:
        // 9000 if verified since the last reset, the tries left otherwise.
        guard !c.data.isEmpty else { return pinVerified ? sw(.success) : triesLeft() }
        guard let entered = PINDigits.decode(c.data) else { return sw(.wrongData) }
        return check(entered)
    }

    func changePIN(_ c: CommandAPDU) -> [UInt8] {
        guard profile.pinTries > 0 else { return sw(.pinBlocked) }
        guard let (old, new) = PINDigits.decodePair(c.data), PINDigits.isAcceptable(new) else {
            return sw(.wrongData)
        }
        let outcome = check(old)
        guard outcome == sw(.success) else { return outcome }
        profile.pin = new
        return sw(.success)
    }

    private func check(_ entered: String) -> [UInt8] {
        if entered == profile.pin {
            profile.pinTries = profile.pinMaximumTries
            pinVerified = true
            return sw(.success)
        }
        pinVerified = false
        profile.pinTries -= 1
        return triesLeft()
    }

    private func triesLeft() -> [UInt8] { [0x63, 0xC0 | UInt8(profile.pinTries)] }

    /// RELOAD PIN, PIN UNBLOCK, APPLICATION BLOCK / UNBLOCK: each ends in a
    /// 4-byte MAC over the command under the issuer's key, computed after a
    /// GET CHALLENGE; the challenge is spent by the attempt either way.
    func secured(_ c: CommandAPDU) -> [UInt8] {
        let isApplicationCommand = c.ins == 0x1E || c.ins == 0x18
        if !isApplicationCommand, let locked = lockedStatus { return sw(locked) }
        if profile.state == .permanentlyLocked { return sw(.applicationPermanentlyLocked) }
        guard c.data.count >= 4 else { return sw(.wrongLength) }
        guard let macVerifier else { return sw(.instructionNotSupported) }
        let spent = challenge
        challenge = nil
        guard macVerifier.verify(command: c, challenge: spent, profile: profile) else {
            return sw(.macInvalid)
        }
        let body = Array(c.data.dropLast(4))
        switch c.ins {
        case 0x5E:
            guard let pin = PINDigits.decode(body), PINDigits.isAcceptable(pin) else { return sw(.wrongData) }
            profile.pin = pin
            profile.pinTries = profile.pinMaximumTries
        case 0x24:
            if !body.isEmpty {
                guard let pin = PINDigits.decode(body), PINDigits.isAcceptable(pin) else { return sw(.wrongData) }
                profile.pin = pin
            }
            profile.pinTries = profile.pinMaximumTries
        case 0x1E:
            guard c.p2 <= 0x01 else { return sw(.wrongParameters) }
            profile.state = c.p2 == 0x01 ? .permanentlyLocked : .locked
        case 0x18:
            profile.state = .active
        default:
            return sw(.instructionNotSupported)
        }
        return sw(.success)
    }
}
