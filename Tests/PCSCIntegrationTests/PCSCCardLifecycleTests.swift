import SSCardRig
import Foundation
import PCSC
import SocialSecurityCard
import SSCardValues
import Testing

extension PCSCIntegration {
    /// PIN and maintenance commands, card pulls and pcscd restarts, through
    /// the real stack.
    @Suite("PC/SC stack: PINs, pulled cards, pcscd restart")
    final class PCSCCardLifecycleTests {
        let rig = PCSCRig.shared
        let events = EventLog()
        let monitor: ReaderMonitor
        let module: SoftwareSecurityModule

        init() throws {
            monitor = try ReaderMonitor()
            monitor.start { [events] in events.record($0) }
            try events.wait(for: "slot 1 attached") { $0 == .readerAttached(PCSCRig.reader1) }
            module = try SoftwareSecurityModule(keyFile: Profiles.keyFile)
        }

        deinit { monitor.stop() }

        @discardableResult
        func waitInserted(_ reader: String, after: Int = 0) throws -> Int {
            try events.wait(after: after, for: "card in \(reader)") {
                if case .cardInserted(reader, _) = $0 { return true }
                return false
            }
        }

        func pull(_ cards: ChildProcess, from readers: [String]) throws {
            let after = events.count
            cards.terminate()
            for reader in readers {
                try events.wait(after: after, for: "card out of \(reader)") { $0 == .cardRemoved(reader: reader) }
            }
        }

        @Test("insert and remove arrive as monitor events, with the card's ATR")
        func insertRemove() throws {
            let start = events.count
            let cards = try rig.insertCards([(1, Profiles.generation3())])
            var atr: [UInt8] = []
            let inserted = try events.wait(after: start, for: "insert") {
                guard case let .cardInserted(PCSCRig.reader1, a) = $0 else { return false }
                atr = a
                return true
            }
            #expect(atr.count > 2 && atr[0] == 0x3B && atr[2] == 0x01)  // the T=1 ATR
            try pull(cards, from: [PCSCRig.reader1])
            #expect(events.all.dropFirst(start).contains(.cardRemoved(reader: PCSCRig.reader1)))
        }

        @Test("verify, change, lockout, reload (reset) and unblock behave as the card says, over T=0 and T=1",
              arguments: [0, 1])
        func pinLifecycle(slot: Int) throws {
            let reader = slot == 0 ? PCSCRig.reader0 : PCSCRig.reader1
            let cards = try rig.insertCards([(slot, slot == 0 ? Profiles.generation2() : Profiles.generation3())])
            defer { try? pull(cards, from: [reader]) }
            waitInsertedOrRecord(reader)
            let connection = try PCSCContext().connect(reader: reader, share: .exclusive)
            defer { connection.disconnect(.reset) }
            let app = SocialSecurityApplication(channel: connection)
            _ = try app.readIdentity()
            let original = try PIN(slot == 0 ? "123456" : "654321")
            let wrong = try PIN("000000")
            let changed = try PIN("112233")

            #expect(try app.verifyPIN(wrong) == .wrong(triesLeft: 2))
            #expect(try app.verifyPIN(original) == .verified)
            #expect(try app.changePIN(old: original, new: changed) == .verified)
            #expect(try app.verifyPIN(original) == .wrong(triesLeft: 2))
            #expect(try app.verifyPIN(changed) == .verified)

            // Lockout: three wrong PINs, then even the right one is refused.
            #expect(try app.verifyPIN(wrong) == .wrong(triesLeft: 2))
            #expect(try app.verifyPIN(wrong) == .wrong(triesLeft: 1))
            #expect(try app.verifyPIN(wrong) == .blocked)
            #expect(try app.verifyPIN(changed) == .blocked)

            // Counter reset: RELOAD PIN with the issuer MAC sets a new PIN.
            try app.reloadPIN(new: original, using: module)
            #expect(try app.verifyPIN(changed) == .wrong(triesLeft: 2))
            #expect(try app.verifyPIN(original) == .verified)

            // PIN UNBLOCK resets the counter and keeps the PIN.
            for _ in 0..<3 { _ = try app.verifyPIN(wrong) }
            #expect(try app.verifyPIN(original) == .blocked)
            try app.unblockPIN(using: module)
            #expect(try app.verifyPIN(original) == .verified)

            // A MAC under the wrong keys is rejected by the card.
            let stranger = try SoftwareSecurityModule(keyFile: Profiles.keyFile.replacingOccurrences(of: "0123", with: "3210"))
            #expect(throws: CardError.macRejected(.reloadPIN)) { try app.reloadPIN(new: changed, using: stranger) }

            // Application lock: temporary, then unblocked in a new session.
            try app.blockApplication(permanent: false, using: module)
            #expect(throws: CardError.applicationLocked(.verifyPIN)) { try app.verifyPIN(original) }
            let again = SocialSecurityApplication(channel: connection)
            _ = try? again.readIdentity()
            try again.unblockApplication(using: module)
            #expect(try again.verifyPIN(original) == .verified)
        }

        func waitInsertedOrRecord(_ reader: String) {
            do { try waitInserted(reader) } catch { Issue.record(error) }
        }

        @Test("a card pulled mid-read gives a typed error, and the monitor keeps going")
        func pulledMidRead() throws {
            // The card vanishes instead of answering its 5th APDU.
            let vanishing = try rig.insertCards([(1, Profiles.generation3(faults: #"{"vanishAfterAPDUs": 5}"#))])
            let inserted = try waitInserted(PCSCRig.reader1)
            let connection = try PCSCContext().connect(reader: PCSCRig.reader1)
            defer { connection.disconnect() }
            let select = CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: SocialSecurityApplication.applicationName)
            #expect(try connection.transmit(select).statusWord == .success)
            var failure: PCSCError?
            for field in CardField.identityFields {
                let read = field.readCommand
                do {
                    _ = try connection.transmit(CommandAPDU(cla: 0, ins: 0xB2, p1: read.p1, p2: read.p2, le: read.le))
                } catch {
                    failure = error  // typed: PCSCError
                    break
                }
            }
            let error = try #require(failure)
            #expect(error.isCardGone, "got \(error)")
            _ = try vanishing.waitForLine(containing: "vanished port")
            let removed = try events.wait(after: inserted, for: "removal") { $0 == .cardRemoved(reader: PCSCRig.reader1) }
            // The card layer reports the same as a transmission error of its command.
            #expect(throws: CardError.self) { try SocialSecurityApplication(channel: connection).readIdentity() }
            vanishing.terminate()

            // The monitor is still watching: a new card is reported and readable.
            let fresh = try rig.insertCards([(1, Profiles.generation3())])
            defer { try? pull(fresh, from: [PCSCRig.reader1]) }
            try waitInserted(PCSCRig.reader1, after: removed)
            let again = try PCSCContext().connect(reader: PCSCRig.reader1)
            defer { again.disconnect() }
            #expect(try SocialSecurityApplication(channel: again).readIdentity().name.rawValue == "张三")
        }

        @Test("pcscd killed and restarted: the monitor and the context recover without restarting us")
        func pcscdRestart() throws {
            let cards = try rig.insertCards([(0, Profiles.generation2())])
            defer { try? pull(cards, from: [PCSCRig.reader0]) }
            let inserted = try waitInserted(PCSCRig.reader0)
            let context = try PCSCContext()
            #expect(try context.readers().contains(PCSCRig.reader0))
            let generation = context.generation
            let readyLines = cards.lineCount

            rig.stop()
            let gone = try events.wait(after: inserted, for: "readers gone with pcscd") { $0 == .readerDetached(PCSCRig.reader0) }
            #expect(throws: PCSCError.self) { try context.readers() }

            try rig.start()
            // vpcd is back: the virtual card reconnects, pcscd sees it, and the
            // monitor (same object, same thread) reports reader and card again.
            try cards.waitForLine(containing: "ready port \(rig.port)", after: readyLines)
            let attached = try events.wait(after: gone, for: "reader back") { $0 == .readerAttached(PCSCRig.reader0) }
            try waitInserted(PCSCRig.reader0, after: attached)

            #expect(try context.readers().contains(PCSCRig.reader0))
            #expect(context.generation > generation)
            let connection = try context.connect(reader: PCSCRig.reader0)
            defer { connection.disconnect() }
            #expect(try SocialSecurityApplication(channel: connection).readIdentity().name.rawValue == Profiles.longName)
        }
    }
}
