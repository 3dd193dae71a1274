import Foundation
import PCSC
import SSCardValues

/// An in-process emulation of a social security card's SSSE application,
/// answering raw command APDUs as the chip would.
///
/// It keeps the chip's state (selection, PIN try counter, application lock,
/// pending T=0 response) and applies the profile's faults. It knows nothing
/// about transports: `sscard-vcard` puts it behind vpcd, and
/// `VirtualCardChannel` puts it behind `CardChannel` for unit tests.
public final class VirtualSSCard: @unchecked Sendable {
    /// "sx1.sh." + 社会保障 in GBK: the SSSE DDF name.
    public static let ssseName: [UInt8] = [0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E,
                                           0xC9, 0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF]

    private let lock = NSLock()
    public internal(set) var profile: CardProfile
    private let records: CardRecords
    let macVerifier: CommandMACVerifier?
    private var ssseSelected = false
    private var currentFile: ElementaryFile?
    private var pending: [UInt8] = []
    var challenge: [UInt8]?
    /// Whether the holder's PIN has been verified since the last reset: the
    /// security state a real chip keeps until it is reset or powered off.
    var pinVerified = false
    private var apduCount = 0
    var random: SeededRandom

    public init(profile: CardProfile, macVerifier: CommandMACVerifier? = IssuerMACVerifier()) {
        self.profile = profile
        self.records = CardRecords(profile: profile)
        self.macVerifier = macVerifier
        self.random = SeededRandom(seed: profile.faults.seed)
    }

    public var atr: [UInt8] { profile.atr }
    public var pinTriesLeft: Int { lock.withLock { profile.pinTries } }
    public var applicationState: ApplicationState { lock.withLock { profile.state } }

    /// Power-on or reset: selection, pending data, challenge and the
    /// verified PIN state are lost.
    public func reset() {
        lock.withLock {
            pinVerified = false
            ssseSelected = false
            currentFile = nil
            pending = []
            challenge = nil
        }
    }

    public func process(_ bytes: [UInt8]) -> CardReply {
        lock.withLock {
            apduCount += 1
            if let limit = profile.faults.vanishAfterAPDUs, apduCount >= limit { return .vanish }
            guard let command = CommandAPDU(bytes: bytes) else { return .respond(sw(.wrongLength)) }
            if command.ins != 0xC0 { pending = [] }
            return .respond(handle(command))
        }
    }

    func sw(_ word: StatusWord) -> [UInt8] { [word.sw1, word.sw2] }

    /// The status word every application command gets while locked.
    var lockedStatus: StatusWord? {
        switch profile.state {
        case .active: return nil
        case .locked: return .functionNotSupported
        case .permanentlyLocked: return .applicationPermanentlyLocked
        }
    }

    private func handle(_ c: CommandAPDU) -> [UInt8] {
        switch (c.cla, c.ins) {
        case (0x00, 0xA4): return select(c)
        case (0x00, 0xC0): return getResponse(c)
        case (0x00, 0x84): return getChallenge(c)
        case (0x00, 0xB2): return readRecord(c)
        case (0x00, 0x20): return lockedStatus.map(sw) ?? verify(c)
        case (0x80, 0x5E) where c.p1 == 0x01: return lockedStatus.map(sw) ?? changePIN(c)
        case (0x80, 0x5E) where c.p1 == 0x00,
             (0x84, 0x24), (0x84, 0x1E), (0x84, 0x18):
            return secured(c)
        case (0x00, _), (0x80, _), (0x84, _): return sw(.instructionNotSupported)
        default: return sw(.classNotSupported)
        }
    }

    // MARK: Selection and reading

    private func select(_ c: CommandAPDU) -> [UInt8] {
        switch c.p1 {
        case 0x04:
            guard c.data == Self.ssseName else { return sw(.fileNotFound) }
            // Selectable even when locked, so that APPLICATION UNBLOCK can
            // reach it in a new session; the locked state shows on the
            // commands that follow.
            ssseSelected = true
            currentFile = nil
            guard c.p2 != 0x0C else { return sw(.success) }
            let fci: [UInt8] = [0x6F, UInt8(Self.ssseName.count + 2), 0x84, UInt8(Self.ssseName.count)] + Self.ssseName
            return reply(fci, to: c)
        case 0x00, 0x02:
            if c.data == [0x3F, 0x00] {
                ssseSelected = false
                currentFile = nil
                return sw(.success)
            }
            guard ssseSelected, let file = ElementaryFile(fileID: c.data) else { return sw(.fileNotFound) }
            currentFile = file
            return sw(.success)
        default:
            return sw(.wrongParameters)
        }
    }

    private func readRecord(_ c: CommandAPDU) -> [UInt8] {
        guard ssseSelected else { return sw(.conditionsNotSatisfied) }
        let sfi = c.p2 >> 3
        let mode = c.p2 & 0x07
        let file: ElementaryFile
        if sfi == 0 {
            guard let current = currentFile else { return sw(.conditionsNotSatisfied) }
            file = current
        } else {
            guard let named = ElementaryFile(sfi: sfi) else { return sw(.fileNotFound) }
            file = named
        }
        let record: CardRecords.Record?
        switch mode {
        case 4: record = records.record(number: Int(c.p1), in: file)
        case 0: record = records.record(tag: c.p1, in: file)
        default: return sw(.wrongParameters)
        }
        // A temporarily locked application still shows its issuer data
        // (EF05): the terminal needs the card id to MAC the UNBLOCK.
        if let locked = lockedStatus, file != .issuer || profile.state == .permanentlyLocked { return sw(locked) }
        guard var found = record else { return sw(.recordNotFound) }
        if let status = profile.faults.recordStatus { return status }
        switch profile.faults.garbageRecords {
        case .none:
            return reply(found.bytes, to: c)
        case .random:
            found.value = found.value.map { _ in random.nextByte() }
            return reply(found.bytes, to: c)
        case .truncated:
            return Array(found.bytes.prefix(max(1, found.bytes.count / 2))) + sw(.success)
        case .wrongTag:
            var bytes = found.bytes
            bytes[0] ^= 0x80
            return reply(bytes, to: c)
        }
    }

    /// Returns data the way the protocol does: straight with 9000 on T=1;
    /// on T=0, `6Cxx` for a case-2 command whose Le is wrong, and `61xx`
    /// when Le is absent or the command also carried data (case 4).
    func reply(_ data: [UInt8], to c: CommandAPDU) -> [UInt8] {
        guard profile.transmission == .t0, !data.isEmpty else { return data + sw(.success) }
        if c.data.isEmpty, let le = c.le {
            guard le == data.count else { return [0x6C, UInt8(truncatingIfNeeded: data.count)] }
            return data + sw(.success)
        }
        pending = data
        return [0x61, UInt8(truncatingIfNeeded: data.count)]
    }

    private func getResponse(_ c: CommandAPDU) -> [UInt8] {
        guard !pending.isEmpty else { return sw(.conditionsNotSatisfied) }
        let wanted = c.le ?? 256
        guard wanted <= pending.count || (wanted == 256 && pending.count >= 256) else {
            return [0x6C, UInt8(truncatingIfNeeded: pending.count)]
        }
        let chunk = Array(pending.prefix(wanted))
        pending.removeFirst(chunk.count)
        if pending.isEmpty { return chunk + sw(.success) }
        return chunk + [0x61, UInt8(truncatingIfNeeded: min(pending.count, 256))]
    }

    private func getChallenge(_ c: CommandAPDU) -> [UInt8] {
        guard c.p1 == 0, c.p2 == 0, let le = c.le, [4, 8, 16].contains(le) else { return sw(.wrongParameters) }
        let bytes = (0..<le).map { _ in random.nextByte() }
        challenge = bytes
        return reply(bytes, to: c)
    }
}
