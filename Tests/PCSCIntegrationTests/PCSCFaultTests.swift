import SSCardRig
import Foundation
import PCSC
import SocialSecurityCard
import Testing

extension PCSCIntegration {
    /// The virtual card's fault modes and process behaviour, seen through
    /// the real stack.
    @Suite("PC/SC stack: faulty cards and sscard-vcard itself")
    final class PCSCFaultTests {
        let rig = PCSCRig.shared
        let events: EventLog
        let monitor: ReaderMonitor

        init() throws { (events, monitor) = try EventLog.watchingBothSlots() }

        deinit { monitor.stop() }

        func insert(_ json: String) throws -> (ChildProcess, CardConnection) {
            let start = events.count
            let cards = try rig.insertCards([(1, json)])
            try events.wait(after: start, for: "card in slot 1") {
                if case .cardInserted(PCSCRig.reader1, _) = $0 { return true }
                return false
            }
            return (cards, try PCSCContext().connect(reader: PCSCRig.reader1))
        }

        func pull(_ cards: ChildProcess) throws {
            let after = events.count
            cards.terminate()
            try events.wait(after: after, for: "card out") { $0 == .cardRemoved(reader: PCSCRig.reader1) }
        }

        @Test("garbage records give a typed card error, not a crash or a wrong identity",
              arguments: ["random", "truncated"])
        func garbage(mode: String) throws {
            let (cards, connection) = try insert(Profiles.generation3(faults: #"{"garbageRecords": "\#(mode)", "seed": 7}"#))
            defer { connection.disconnect(); try? pull(cards) }
            #expect(throws: CardError.self) { try SocialSecurityApplication(channel: connection).readIdentity() }
        }

        @Test("a slow card is slow but correct: 13 replies delayed 30 ms each")
        func slowCard() throws {
            let (cards, connection) = try insert(Profiles.generation3(faults: #"{"delayMs": 30}"#))
            defer { connection.disconnect(); try? pull(cards) }
            let start = Date()
            let identity = try SocialSecurityApplication(channel: connection).readIdentity()
            #expect(Date().timeIntervalSince(start) >= 13 * 0.030)
            #expect(identity.name.rawValue == "张三")
        }

        @Test("sscard-vcard exits 0 on SIGTERM, and refuses a bad profile naming the field without its value")
        func processBehaviour() throws {
            let (cards, connection) = try insert(Profiles.generation3())
            connection.disconnect()
            try pull(cards)
            #expect(cards.waitForExit() == 0)

            let path = rig.directory + "/bad-profile.json"
            try Profiles.generation3().replacingOccurrences(of: "\"654321\"", with: "\"65x321\"")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let bad = try ChildProcess(name: "bad-vcard", executable: PCSCRig.productsDirectory + "/sscard-vcard",
                                       arguments: ["--port", String(rig.port + 1), "--profile", path])
            #expect(bad.waitForExit() == 1)
            let message = try bad.completeOutput().joined(separator: "\n")
            #expect(message.contains("\"pin\""))
            #expect(!message.contains("65x321"))
        }

        @Test("stop() ends the monitor's thread and finishes its event stream")
        func monitorStops() async throws {
            let own = try ReaderMonitor()
            own.start()
            var iterator = own.events.makeAsyncIterator()
            // The first events describe the slots; then stop must end the stream.
            #expect(await iterator.next() != nil)
            own.stop()
            var remaining = 0
            while await iterator.next() != nil { remaining += 1 }
            #expect(remaining < 10)
        }
    }
}
