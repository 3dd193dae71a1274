import Foundation
import PCSC
import SocialSecurityCard
import SSCardRig
import SSCardValues
import Testing

extension PCSCIntegration {
    /// PIN reset and unblock with the MACs made inside a virtual PSAM in
    /// slot 1, the holder's card in slot 0, all through the real pcscd:
    /// both generations, the cross-check against the software module, and
    /// every failure the PSAM can have, each leaving the holder's card as it was.
    @Suite("PC/SC stack: the PSAM security module")
    final class PCSCPSAMTests {
        let rig = PCSCRig.shared
        let events = EventLog()
        let monitor: ReaderMonitor
        let software: SoftwareSecurityModule

        init() throws {
            monitor = try ReaderMonitor()
            monitor.start { [events] in events.record($0) }
            try events.wait(for: "slot 1 attached") { $0 == .readerAttached(PCSCRig.reader1) }
            software = try SoftwareSecurityModule(keyFile: Profiles.keyFile)
        }

        deinit { monitor.stop() }

        func waitInserted(_ reader: String, after: Int) throws {
            try events.wait(after: after, for: "card in \(reader)") {
                if case .cardInserted(reader, _) = $0 { return true }
                return false
            }
        }

        func pull(_ process: ChildProcess, from reader: String) throws {
            let after = events.count
            process.terminate()
            try events.wait(after: after, for: "card out of \(reader)") { $0 == .cardRemoved(reader: reader) }
        }

        /// The holder's card in slot 0 (generation 2 or 3), its PIN blocked.
        func blockedHolderCard(generation: Int) throws -> (ChildProcess, SocialSecurityApplication, CardConnection) {
            let after = events.count
            let card = try rig.insertCards([(0, generation == 2 ? Profiles.generation2() : Profiles.generation3())], name: "holder")
            try waitInserted(PCSCRig.reader0, after: after)
            let connection = try PCSCContext().connect(reader: PCSCRig.reader0, share: .exclusive)
            let app = SocialSecurityApplication(channel: connection)
            _ = try app.readIdentity()
            let wrong = try PIN("000000")
            _ = try app.verifyPIN(wrong)
            _ = try app.verifyPIN(wrong)
            #expect(try app.verifyPIN(wrong) == .blocked)
            return (card, app, connection)
        }

        func psam(pin: String = "123456", profile: PSAMProfile = PSAMProfile()) -> PSAMSecurityModule {
            var bytes = Hex.decode(pin) ?? []
            return PSAMSecurityModule(reader: PCSCRig.reader1, aid: PSAMFiles.aid, profile: profile, operatorPIN: &bytes)
        }

        func insertPSAM(_ text: String = PSAMFiles.virtualPSAM()) throws -> ChildProcess {
            let after = events.count
            let process = try rig.insertPSAM(text)
            try waitInserted(PCSCRig.reader1, after: after)
            return process
        }

        @Test("PIN reset and PIN unblock through the virtual PSAM, generation 2 (3DES, T=0) and 3 (SM4, T=1)",
              arguments: [2, 3])
        func resetAndUnblock(generation: Int) throws {
            let psamProcess = try insertPSAM()
            defer { try? pull(psamProcess, from: PCSCRig.reader1) }
            let module = psam()
            defer { module.close() }
            let (card, app, connection) = try blockedHolderCard(generation: generation)
            defer { connection.disconnect(.reset); try? pull(card, from: PCSCRig.reader0) }
            let original = try PIN(generation == 2 ? "123456" : "654321")

            // Unblock keeps the PIN and restores its tries.
            try app.unblockPIN(using: module)
            #expect(try app.verifyPIN(original) == .verified)

            // Reset (unblock + reload) sets a new PIN on a blocked card.
            let wrong = try PIN("000000")
            for _ in 0..<3 { _ = try app.verifyPIN(wrong) }
            #expect(try app.verifyPIN(original) == .blocked)
            let renewed = try PIN("246810")
            try app.resetPIN(new: renewed, using: module)
            #expect(try app.verifyPIN(original) == .wrong(triesLeft: 2))
            #expect(try app.verifyPIN(renewed) == .verified)

            let status = module.status()
            #expect(status.present && status.state == .ready && status.problem == nil)
            #expect(status.serial == "31000000000000000001")
            #expect(status.macsComputed == 3)
        }

        @Test("the PSAM's MACs equal the software module's for the same master keys, every purpose and algorithm")
        func crossCheck() throws {
            let psamProcess = try insertPSAM()
            defer { try? pull(psamProcess, from: PCSCRig.reader1) }
            let module = psam()
            defer { module.close() }
            let cardId = try CardIdentificationCode("639900D15600000500BF7C7A48FB4966")
            for algorithm in KeyAlgorithm.allCases {
                for purpose in KeyPurpose.allCases {
                    for length in [0, 3, 9] {
                        let challenge = (0..<algorithm.challengeLength).map { UInt8($0 * 17 + length) }
                        let request = MACRequest(purpose: purpose, algorithm: algorithm, cardId: cardId, challenge: challenge,
                                                 cla: 0x84, ins: 0x24, p1: 0, p2: 0,
                                                 dataBeforeMAC: (0..<length).map { UInt8($0) })
                        #expect(try module.mac(for: request) == software.mac(for: request), "\(purpose).\(algorithm) \(length)")
                    }
                }
            }
        }

        /// A reset through `module` fails with `expected`, and the holder's
        /// card is as it was: its PIN still blocked, nothing unblocked.
        func expectRefused(_ module: PSAMSecurityModule, _ expected: SecurityModuleError,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (card, app, connection) = try blockedHolderCard(generation: 3)
            defer { connection.disconnect(.reset); try? pull(card, from: PCSCRig.reader0) }
            #expect(throws: CardError.securityModule(expected), sourceLocation: sourceLocation) {
                try app.resetPIN(new: try PIN("246810"), using: module)
            }
            #expect(try app.verifyPIN(try PIN("654321")) == .blocked, "the holder's card is unchanged",
                    sourceLocation: sourceLocation)
        }

        @Test("no PSAM in its reader: deviceAbsent, the holder's card unchanged")
        func absent() throws {
            let module = psam()
            defer { module.close() }
            try expectRefused(module, .deviceAbsent(reader: PCSCRig.reader1))
            #expect(module.status().present == false)
        }

        @Test("a wrong operator PIN: tries counted down, then blocked; the holder's card unchanged")
        func wrongOperatorPIN() throws {
            let psamProcess = try insertPSAM()
            defer { try? pull(psamProcess, from: PCSCRig.reader1) }
            let module = psam(pin: "999999")
            try expectRefused(module, .operatorPINRejected(triesLeft: 2))
            // The refused PIN is not sent again by this module: it cannot
            // have changed, and each try would bring the PSAM nearer its block.
            try expectRefused(module, .operatorPINRejected(triesLeft: 2))
            #expect(module.status().operatorPINTriesLeft == 2)
            module.close()
            // A new module (the daemon restarted with the same wrong credential) spends one more.
            let again = psam(pin: "999999")
            try expectRefused(again, .operatorPINRejected(triesLeft: 1))
            again.close()
            let last = psam(pin: "999999")
            try expectRefused(last, .deviceBlocked(StatusWord(0x63C0)))
            last.close()
            // Blocked for good: the right PIN no longer helps.
            let right = psam()
            defer { right.close() }
            try expectRefused(right, .deviceBlocked(.pinBlocked))
        }

        @Test("a key index the PSAM does not hold: unknownKeyIndex before the card is sent anything that changes it")
        func unknownKeyIndex() throws {
            let psamProcess = try insertPSAM()
            defer { try? pull(psamProcess, from: PCSCRig.reader1) }
            // The unblock key is there; the reload key's index is not: the
            // reset must stop before the unblock, not after it.
            let profile = try PSAMProfile(text: "reloadPIN.sm4 = 27 09")
            let module = psam(profile: profile)
            defer { module.close() }
            try expectRefused(module, .unknownKeyIndex(KeyReference(purpose: .reloadPIN, algorithm: .sm4), usage: 0x27, index: 0x09))
        }

        @Test("the PSAM removed mid-call: deviceRemoved; re-inserted, the session is made again")
        func removedMidCall() throws {
            let vanishing = try insertPSAM(PSAMFiles.virtualPSAM(extra: "vanish-on-mac = 1"))
            let module = psam()
            defer { module.close() }
            let after = events.count
            try expectRefused(module, .deviceRemoved(reader: PCSCRig.reader1))
            try events.wait(after: after, for: "PSAM out") { $0 == .cardRemoved(reader: PCSCRig.reader1) }
            _ = try vanishing.waitForLine(containing: "vanished port")
            vanishing.terminate()

            let psamProcess = try insertPSAM()
            defer { try? pull(psamProcess, from: PCSCRig.reader1) }
            let (card, app, connection) = try blockedHolderCard(generation: 3)
            defer { connection.disconnect(.reset); try? pull(card, from: PCSCRig.reader0) }
            try app.unblockPIN(using: module)
            #expect(try app.verifyPIN(try PIN("654321")) == .verified)
            #expect(module.status().state == .ready)
        }
    }
}

/// The virtual PSAM the tests insert: the same master keys as `Profiles`,
/// at `PSAMProfile`'s default usages and indices.
enum PSAMFiles {
    static let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x00, 0x03, 0x53, 0x53, 0x50, 0x53, 0x41, 0x4D]

    static func virtualPSAM(extra: String = "") -> String {
        """
        aid = A0 00 00 00 03 53 53 50 53 41 4D
        serial = 31 00 00 00 00 00 00 00 00 01
        operator-pin = 12 34 56
        operator-pin-tries = 3
        key.27.01 = 3des 0123456789ABCDEFFEDCBA9876543210
        key.26.01 = 3des 00112233445566778899AABBCCDDEEFF
        key.28.01 = 3des FFEEDDCCBBAA99887766554433221100
        key.27.02 = sm4 0123456789ABCDEFFEDCBA9876543210
        key.26.02 = sm4 00112233445566778899AABBCCDDEEFF
        key.28.02 = sm4 FFEEDDCCBBAA99887766554433221100
        \(extra)
        """
    }
}
