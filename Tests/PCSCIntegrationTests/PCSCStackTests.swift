import SSCardRig
import Foundation
import PCSC
import SocialSecurityCard
import SSCardValues
import Testing

extension PCSCIntegration {
    /// The real PC/SC stack: our code → libpcsclite → a private pcscd → vpcd →
    /// sscard-vcard. One daemon per test process (see `PCSCRig`); each test
    /// inserts the cards it needs and pulls them at the end.
    @Suite("PC/SC stack: private pcscd + vpcd + sscard-vcard")
    final class PCSCStackTests {
        let rig = PCSCRig.shared
        let events: EventLog
        let monitor: ReaderMonitor

        init() throws { (events, monitor) = try EventLog.watchingBothSlots() }

        deinit { monitor.stop() }

        func waitInserted(_ reader: String, after: Int = 0) throws -> (atr: [UInt8], next: Int) {
            var atr: [UInt8] = []
            let next = try events.wait(after: after, for: "card in \(reader)") { event in
                guard case let .cardInserted(r, a) = event, r == reader else { return false }
                atr = a
                return true
            }
            return (atr, next)
        }

        /// Pulls the cards and waits until pcscd has seen them go, so the next
        /// test's monitor does not report a card that is already gone.
        func pull(_ cards: ChildProcess, from readers: [String]) throws {
            let after = events.count
            cards.terminate()
            for reader in readers {
                try events.wait(after: after, for: "card out of \(reader)") { $0 == .cardRemoved(reader: reader) }
            }
        }

        @Test("pcscd lists both vpcd slots")
        func readerList() throws {
            let readers = try PCSCContext().readers()
            #expect(readers.contains(PCSCRig.reader0))
            #expect(readers.contains(PCSCRig.reader1))
        }

        @Test("identity read over T=0 and T=1 matches the profiles, incl. a 4-byte GB18030 character and the name extension")
        func identityRead() throws {
            let cards = try rig.insertCards([(0, Profiles.generation2()), (1, Profiles.generation3())])
            defer { try? pull(cards, from: [PCSCRig.reader0, PCSCRig.reader1]) }
            let (atr0, next) = try waitInserted(PCSCRig.reader0)
            _ = try waitInserted(PCSCRig.reader1, after: 0)
            #expect(atr0 == [0x3B, 0x6D, 0x00, 0x00, 0x00, 0x81, 0x4E, 0x43, 0x23, 0x86, 0x97, 0x15, 0x99, 0x00, 0xBF, 0x7C, 0x7A])
            _ = next
            let context = try PCSCContext()

            let t0 = try context.connect(reader: PCSCRig.reader0)
            defer { t0.disconnect() }
            #expect(t0.activeProtocol == .t0)
            let first = try SocialSecurityApplication(channel: t0).readIdentity()
            #expect(first.name.rawValue == Profiles.longName)
            #expect(first.name.rawValue.unicodeScalars.last?.value == 0x20000)
            #expect(first.ssn.rawValue == "11010519491231002X")
            #expect(first.cardNumber.rawValue == "X00000019")
            #expect(first.cardId.rawValue == "639900D15600000500BF7C7A48FB4966")
            #expect(first.specVersion == "2.00")
            #expect(first.issueDate.description == "2010-10-01" && first.expiryDate.description == "2020-10-01")
            #expect(first.birthDate.description == "1949-12-31")
            #expect(first.ethnicity == "01" && first.birthplace == "110105" && first.sex == .male)
            #expect(first.atr == atr0)

            let t1 = try context.connect(reader: PCSCRig.reader1, share: .exclusive)
            defer { t1.disconnect() }
            #expect(t1.activeProtocol == .t1)
            let second = try SocialSecurityApplication(channel: t1).readIdentity()
            #expect(second.name.rawValue == "张三")
            #expect(second.ssn.rawValue == "140502198811230027")
            #expect(second.cardNumber.rawValue == "A12345674")
            #expect(second.generation == 3 && second.birthplace == "140502" && second.ethnicity == "03")
            #expect(second.sex == .female && second.cardId.rawValue == "140500D1560000050012345678ABCDEF")
            #expect(second.issueDate.description == "2023-05-20" && second.birthDate.description == "1988-11-23")
        }

        @Test("pyscard, sending the same APDUs in the same run, gets the same responses")
        func pyscardCrossCheck() throws {
            let cards = try rig.insertCards([(0, Profiles.generation2())])
            defer { try? pull(cards, from: [PCSCRig.reader0]) }
            _ = try waitInserted(PCSCRig.reader0)
            let commands = IdentityAPDUs.commands
            let connection = try PCSCContext().connect(reader: PCSCRig.reader0)
            let ours = try commands.map { try Hex.encode(connection.transmit($0).bytes) }
            connection.disconnect()
            let python = try ChildProcess(name: "pyscard", executable: "/usr/bin/python3",
                                          arguments: [IdentityAPDUs.pyscardScript, PCSCRig.reader0]
                                            + commands.map { Hex.encode($0.bytes) })
            #expect(python.waitForExit() == 0)
            let theirs = try python.completeOutput().filter { !$0.isEmpty }
            #expect(theirs == ours)
            #expect(ours.count == SocialSecurityApplication.identityCommandCount)
            #expect(ours.allSatisfy { $0.hasSuffix("9000") })
        }
    }
}
