import Foundation
import PCSC
import SSCardValues

/// MACs computed inside a PSAM (a secure access module card) in a reader of
/// its own: the issuer's master keys never leave it, and none is on the host.
///
/// A session is a connection (exclusive: no other process may slip a command
/// between ours), the PSAM's application selected, and its operator PIN
/// verified. It is kept between MACs and made again when the PSAM was reset
/// or re-inserted. Per MAC, two commands, as `PSAMProfile` names them:
/// "initialise for diversification" with D (the PSAM derives the card key
/// inside itself) and "compute MAC" over the IV and the padded message.
///
/// Calls are serialised by one lock, which also owns the PC/SC handle:
/// `close()` releases it, `deinit` is the fallback. Failures are typed
/// (`SecurityModuleError`) and name no key, PIN or MAC input.
public final class PSAMSecurityModule: SecurityModule, @unchecked Sendable, CustomStringConvertible {
    public let reader: String
    public let aid: [UInt8]
    public let profile: PSAMProfile
    /// The VERIFY data of the operator PIN, or nil when the PSAM needs none.
    private let operatorPIN: SecretBytes?
    private let lock = NSLock()
    private var context: PCSCContext?
    private var connection: CardConnection?
    private var state = PSAMStatus.State.closed
    private var serial: [UInt8]?
    private var triesLeft: Int?
    /// Set once the PSAM refused the configured operator PIN: the PIN cannot
    /// change until the daemon restarts with a new credential, so sending it
    /// again would only spend the PSAM's remaining tries.
    private var pinRefusal: SecurityModuleError?
    private var macs = 0
    /// Commands the PSAM answered in the current attempt (`inSession`).
    private var answered = 0
    /// Commands sent to the PSAM since start, for status and benchmarks.
    private var sent = 0

    /// `operatorPIN`: the PIN's bytes as the PSAM's VERIFY takes them
    /// (cleared in the caller's array).
    public init(reader: String, aid: [UInt8], profile: PSAMProfile, operatorPIN: inout [UInt8]) {
        self.reader = reader
        self.aid = aid
        self.profile = profile
        self.operatorPIN = operatorPIN.isEmpty ? nil : SecretBytes(consuming: &operatorPIN)
    }

    deinit { connection?.disconnect(.reset) }

    public func mac(for request: MACRequest) throws(SecurityModuleError) -> [UInt8] {
        let reference = KeyReference(purpose: request.purpose, algorithm: request.algorithm)
        guard let slot = profile.slots[reference] else { throw .keyNotLoaded(reference) }
        let iv: [UInt8]
        do { iv = try PBOCMAC.initialVector(challenge: request.challenge, algorithm: request.algorithm) } catch {
            throw .crypto(error)
        }
        let padded = PBOCMAC.pad(request.message, blockSize: request.algorithm.blockSize)
        let data = KeyDiversification.diversificationData(cardId: request.cardId)
        lock.lock()
        defer { lock.unlock() }
        let mac = try inSession { channel throws(SecurityModuleError) in
            try initialise(channel, reference, slot, data)
            let reply = try exchange(channel, profile.computeMACCommand(iv: iv, padded: padded))
            guard reply.statusWord.isSuccess else { throw Self.refusal(reply.statusWord) }
            guard reply.data.count >= PBOCMAC.length else {
                throw .deviceUnavailable(reason: "PSAM returned \(reply.data.count) MAC bytes")
            }
            return Array(reply.data.prefix(PBOCMAC.length))
        }
        macs += 1
        return mac
    }

    /// Opens the session and initialises each key for `cardId`, so that a
    /// missing key or a PSAM that is not there stops the call before the
    /// holder's card is sent anything that changes it.
    public func prepare(_ references: [KeyReference], cardId: CardIdentificationCode) throws(SecurityModuleError) {
        let data = KeyDiversification.diversificationData(cardId: cardId)
        lock.lock()
        defer { lock.unlock() }
        try inSession { channel throws(SecurityModuleError) in
            for reference in references {
                guard let slot = profile.slots[reference] else { throw .keyNotLoaded(reference) }
                try initialise(channel, reference, slot, data)
            }
        }
    }

    /// Presence, serial and session, for `sscardctl psam status`: opens the
    /// session if it can, and says why not if it cannot (without sending an
    /// operator PIN the PSAM already refused). Never a key or PIN.
    public func status() -> PSAMStatus {
        lock.lock()
        defer { lock.unlock() }
        var problem: SecurityModuleError?
        do { try inSession { _ throws(SecurityModuleError) in } } catch { problem = error }
        return PSAMStatus(reader: reader, present: connection != nil, serial: serial.map(Hex.encode),
                          state: state, operatorPINTriesLeft: triesLeft, macsComputed: macs, commandsSent: sent,
                          problem: problem)
    }

    /// Ends the session and releases the PSAM (reset, so that its
    /// verified operator PIN does not outlive us).
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        dropSession()
        context?.release()
        context = nil
    }

    // MARK: The session

    /// Runs `body` in an open session. A PSAM that was reset since (or
    /// answers "security status not satisfied", its session lost) gets a new
    /// session and `body` runs once more: nothing it sends changes a card.
    /// A PSAM re-inserted since the last call fails its first command on the
    /// old handle as removed: that, too, gets one new session.
    private func inSession<T>(_ body: (CardConnection) throws(SecurityModuleError) -> T) throws(SecurityModuleError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            let reused = connection != nil && state == .ready
            answered = 0
            do {
                return try body(try openSession())
            } catch let error where attempt == 1 && (Self.isLostSession(error)
                || (reused && answered == 0 && error == .deviceRemoved(reader: reader))) {
                dropSession()
            }
        }
    }

    private static func isLostSession(_ error: SecurityModuleError) -> Bool {
        error == .deviceRejected(.securityStatusNotSatisfied) || error == .deviceUnavailable(reason: resetReason)
    }

    private static let resetReason = "the PSAM was reset"

    private func openSession() throws(SecurityModuleError) -> CardConnection {
        if let connection, state == .ready { return connection }
        dropSession()
        let channel = try connect()
        connection = channel
        state = .connected
        // The serial from the PSAM's public file (EF15, read before the
        // application is selected); a PSAM without one is still usable.
        if let reply = try? exchange(channel, CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x95, p2: 0x00, le: 10)),
           reply.statusWord.isSuccess, !reply.data.isEmpty {
            serial = reply.data
        }
        let selected = try exchange(channel, CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x00, data: aid))
        switch selected.statusWord {
        case .success: break
        case .functionNotSupported, .applicationPermanentlyLocked, StatusWord(0x6283): throw .deviceBlocked(selected.statusWord)
        default: throw .deviceRejected(selected.statusWord)
        }
        state = .selected
        if let operatorPIN {
            if let pinRefusal { throw pinRefusal }
            var pin = operatorPIN.copied()
            defer { SecretBytes.clear(&pin) }
            let verified = try exchange(channel, CommandAPDU(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x00, data: pin))
            if let tries = verified.statusWord.triesLeft {
                triesLeft = tries
                let refusal: SecurityModuleError = tries == 0 ? .deviceBlocked(verified.statusWord)
                    : .operatorPINRejected(triesLeft: tries)
                pinRefusal = refusal
                throw refusal
            }
            if verified.statusWord == .pinBlocked {
                triesLeft = 0
                pinRefusal = .deviceBlocked(verified.statusWord)
                throw .deviceBlocked(verified.statusWord)
            }
            guard verified.statusWord.isSuccess else { throw .deviceRejected(verified.statusWord) }
            triesLeft = nil
        }
        state = .ready
        return channel
    }

    private func connect() throws(SecurityModuleError) -> CardConnection {
        do {
            let pcsc: PCSCContext
            if let context { pcsc = context } else {
                pcsc = try PCSCContext()
                context = pcsc
            }
            return try pcsc.connect(reader: reader, share: .exclusive)
        } catch {
            throw Self.unreachable(error, reader: reader, connecting: true)
        }
    }

    private func dropSession() {
        connection?.disconnect(.reset)
        connection = nil
        state = .closed
    }

    private func initialise(_ channel: CardConnection, _ reference: KeyReference, _ slot: PSAMProfile.KeySlot,
                            _ data: [UInt8]) throws(SecurityModuleError) {
        let reply = try exchange(channel, profile.initialiseCommand(slot, data: data))
        switch reply.statusWord {
        case .success: return
        case StatusWord(0x6A88), .recordNotFound, .fileNotFound, StatusWord(0x6A86), .wrongParameters:
            throw .unknownKeyIndex(reference, usage: slot.usage, index: slot.index)
        default: throw Self.refusal(reply.statusWord)
        }
    }

    private func exchange(_ channel: CardConnection, _ command: CommandAPDU) throws(SecurityModuleError) -> ResponseAPDU {
        sent += 1
        do {
            let reply = try channel.transmit(command)
            answered += 1
            return reply
        } catch {
            if error == .resetCard { throw .deviceUnavailable(reason: Self.resetReason) }
            dropSession()
            throw Self.unreachable(error, reader: reader, connecting: false)
        }
    }

    private static func refusal(_ status: StatusWord) -> SecurityModuleError {
        status == .pinBlocked || status == .applicationPermanentlyLocked ? .deviceBlocked(status) : .deviceRejected(status)
    }

    private static func unreachable(_ error: PCSCError, reader: String, connecting: Bool) -> SecurityModuleError {
        switch error {
        case .noSmartcard, .unknownReader, .readerUnavailable, .noReadersAvailable, .unresponsiveCard, .unpoweredCard:
            return connecting ? .deviceAbsent(reader: reader) : .deviceRemoved(reader: reader)
        case .removedCard, .commError, .notTransacted, .resetCard:
            return .deviceRemoved(reader: reader)
        default:
            return .deviceUnavailable(reason: "\(reader): \(error)")
        }
    }

    public var description: String { "PSAMSecurityModule(reader: \(reader), aid: \(Hex.encode(aid)))" }
}
