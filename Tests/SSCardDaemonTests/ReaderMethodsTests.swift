import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// org.sscard.Reader and the registry methods that use a reader, through
/// sscardd, the private pcscd and virtual cards.
@Suite("sscardd: readers and cards over the socket", .serialized)
struct ReaderMethodsTests {
    @Test("ReadCard returns the identity and the iReadCardBas string; without a reader it picks the one card")
    func readCard() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        #expect(Fixture.error { _ = try client.call(ReaderMethod.readCard.name, [:]) }?.name == ReaderErrorName.noCardInReader.name)
        let card = try Fixture.insert(10, name: "赵𠀀六", rig: rig)
        defer { Fixture.remove(card, rig: rig) }
        let reply = try client.call(ReaderMethod.readCard.name, [:])
        #expect(reply[.reader]?.string == PCSCRig.reader0)
        let identity = try #require(reply[.identity])
        #expect(identity[.cardNumber]?.string == Fixture.cardNumber(10))
        #expect(identity[.ssn]?.string == Fixture.ssn(10))
        #expect(identity[.name]?.string == "赵𠀀六")
        #expect(identity[.cardId]?.string == Fixture.cardId(10))
        #expect(identity[.birthDate]?.string == "1985-01-11")
        #expect(identity[.specVersion]?.string == "3.00")
        // What goes on the wire is the IDL's CardIdentity, every field and nothing else.
        #expect(Set(identity.object?.keys.map { $0 } ?? []) == Set(SSCardInterface.reader.definition.types["CardIdentity"] ?? []))
        let fields = try #require(reply[.basicInfo]?.string).split(separator: "|", omittingEmptySubsequences: false)
        #expect(fields.count == 12)
        #expect(Array(fields.prefix(5)) == ["140105", Substring(Fixture.ssn(10)), Substring(Fixture.cardNumber(10)),
                                             Substring(Fixture.cardId(10)), "赵𠀀六"])
        #expect(fields[6] == "3.00" && fields[9] == "T01" && fields[10] == "VPCD" && fields[11] == "")

        let readers = try client.call(ReaderMethod.listReaders.name, [:])[.readers]?.array ?? []
        #expect(readers.count == 2)
        #expect(readers.first { $0[.name]?.string == PCSCRig.reader0 }?[.cardPresent]?.bool == true)
        #expect(readers.first { $0[.name]?.string == PCSCRig.reader1 }?[.cardPresent]?.bool == false)
        #expect(Fixture.error { _ = try client.call(ReaderMethod.readCard.name, .fields([.reader: "No Such Reader"])) }?.name
            == ReaderErrorName.readerNotFound.name)
    }

    @Test("with two cards and no reader named, ReadCard refuses and lists both readers")
    func severalCards() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let first = try Fixture.insert(11, rig: rig)
        defer { Fixture.remove(first, rig: rig) }
        let second = try Fixture.insert(12, slot: 1, rig: rig)
        defer { Fixture.remove(second, slot: 1, rig: rig) }
        let error = Fixture.error { _ = try client.call(ReaderMethod.readCard.name, [:]) }
        #expect(error?.name == ReaderErrorName.severalCardsPresent.name)
        #expect(Set(error?.parameters[.readers]?.array?.compactMap(\.string) ?? []) == [PCSCRig.reader0, PCSCRig.reader1])
        #expect(try client.call(ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader1)]))[.identity]?[.cardNumber]?.string
            == Fixture.cardNumber(12))
    }

    @Test("bind, status, PIN change and PIN reset by reader, with the chip checked against the call")
    func cardInReader() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let card = try Fixture.insert(13, rig: rig)
        defer { Fixture.remove(card, rig: rig) }
        let number = Fixture.cardNumber(13)
        let applied = try client.call(RegistryMethod.apply.name, .fields([
            .holder: .fields([.ssn: .string(Fixture.ssn(13)), .name: "李四"]), .evidence: Fixture.idCard]))
        let id = try #require(applied[.application]?[.applicationId]?.int)
        for stage in ["reviewed", "ordered", "producing", "produced"] {
            _ = try client.call(RegistryMethod.advanceApplication.name, .fields([.applicationId: .int(id), .stage: .string(stage)]))
        }
        let bound = try client.call(RegistryMethod.bindCard.name, .fields([.applicationId: .int(id), .reader: .string(PCSCRig.reader0)]))
        #expect(bound[.card]?[.cardNumber]?.string == number)
        #expect(bound[.card]?[.cardId]?.string == Fixture.cardId(13))
        _ = try client.call(RegistryMethod.activate.name, .fields([.reader: .string(PCSCRig.reader0), .evidence: Fixture.idCard]))
        let byReader = try client.call(RegistryMethod.getStatus.name, .fields([.reader: .string(PCSCRig.reader0)]))
        #expect(byReader[.card]?[.state]?.string == "active")
        // By reader also the holder's applications still in production (a kiosk's progress
        // screen): none, binding delivered the first one.
        #expect(byReader[.applications]?.array?.isEmpty == true)

        // A wrong old PIN: refused with tries left, nothing recorded.
        let wrong = Fixture.error { _ = try client.call(RegistryMethod.changePassword.name, .fields([
            .reader: .string(PCSCRig.reader0), .oldPin: "975310", .newPin: "246810", .evidence: Fixture.idCard])) }
        #expect(wrong?.parameters[.rule]?.string == "pinRejected")
        #expect(wrong?.parameters[.reason]?.string?.contains("2 tries left") == true)
        #expect(wrong?.description.contains("975310") == false)
        _ = try client.call(RegistryMethod.changePassword.name, .fields([
            .reader: .string(PCSCRig.reader0), .oldPin: "123456", .newPin: "246810", .evidence: Fixture.idCard]))
        #expect(try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "246810"]))[.result]?.string == "verified")

        // Lock the PIN out, then reset it at the counter through the security module.
        for _ in 0..<3 { _ = try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "864209"])) }
        #expect(try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "246810"]))[.result]?.string == "blocked")
        _ = try client.call(RegistryMethod.resetPassword.name, .fields([
            .cardNumber: .string(number), .reader: .string(PCSCRig.reader0), .newPin: "135790", .evidence: Fixture.idCardAndCard]))
        #expect(try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "135790"]))[.result]?.string == "verified")

        // The audit trail and the daemon's log never hold a PIN.
        let entries = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))
        for pin in ["246810", "135790", "864209", "975310"] {
            #expect(!entries.description.contains(pin))
            #expect(!(rig.daemon?.output.joined(separator: "\n").contains(pin) ?? true))
        }
        let database = String(decoding: FileManager.default.contents(atPath: rig.stateDirectory + "/registry.sqlite") ?? Data(),
                                  as: UTF8.self)
        #expect(!database.contains("135790"))

        // A call naming another card than the one in the reader is refused before the chip is touched.
        _ = try Fixture.issue(14, client: client)
        let mismatch = Fixture.error { _ = try client.call(RegistryMethod.resetPassword.name, .fields([
            .cardNumber: .string(Fixture.cardNumber(14)), .reader: .string(PCSCRig.reader0), .newPin: "111111",
            .evidence: Fixture.idCardAndCard])) }
        #expect(mismatch?.name == RegistryErrorName.identityMismatch.name)

        // A replacement applied for: the card in the reader now shows it in production.
        _ = try client.call(RegistryMethod.replace.name, .fields([
            .cardNumber: .string(number), .replacementReason: "damaged", .evidence: Fixture.idCardAndCard]))
        let progress = try client.call(RegistryMethod.getStatus.name, .fields([.reader: .string(PCSCRig.reader0)]))
        #expect(progress[.applications]?.array?.map { $0[.stage]?.string } == ["accepted"])
        #expect(progress[.applications]?.array?.first?[.kind]?.string == "replacement")
    }

    @Test("Reader.Monitor reports removal and insertion with the identity read")
    func monitor() throws {
        let rig = try DaemonRig()
        let card = try Fixture.insert(15, rig: rig)
        let watcher = try MonitorWatcher(rig)
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.identity]?[.cardNumber]?.string == Fixture.cardNumber(15) }
        card.terminate()
        try watcher.wait { $0[.event]?.string == "cardRemoved" && $0[.reader]?.string == PCSCRig.reader0 }
        let again = try PCSCRig.shared.insertCards([(0, DaemonRig.profile(cardNumber: Fixture.cardNumber(16), cardId: Fixture.cardId(16),
                                                                          ssn: Fixture.ssn(16), name: "孙七"))], name: "card16")
        defer { Fixture.remove(again, rig: rig) }
        let inserted = try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.identity]?[.cardNumber]?.string == Fixture.cardNumber(16) }
        #expect(inserted[.identity]?[.name]?.string == "孙七")
    }

    /// sscardd reads an inserted card's identity before publishing the
    /// insertion, but publishes a removal at once. A card pulled at once,
    /// while another reader is busy with a slow ReadCard, must not be
    /// reported inserted after its removal, nor kept as present for new
    /// subscribers. Since each reader has its own queue, its read no longer
    /// waits behind the other reader's, so the read may end before or after
    /// the removal (the generation check drops it in the second case); both
    /// orders must keep these promises.
    @Test("a card pulled before its insertion read ran is reported removed, never inserted afterwards, nor kept present")
    func cardPulledBeforeItsRead() throws {
        let rig = try DaemonRig()
        let daemon = try #require(rig.daemon)
        let watcher = try MonitorWatcher(rig)
        // A slow card in reader 1: each APDU answered after 400 ms, so a read takes about 5 s.
        let slowProfile = DaemonRig.profile(cardNumber: Fixture.cardNumber(17), cardId: Fixture.cardId(17),
                                            ssn: Fixture.ssn(17), name: "周八")
            .replacingOccurrences(of: "\"pinTries\"", with: "\"faults\": {\"delayMs\": 400}, \"pinTries\"")
        let slow = try PCSCRig.shared.insertCards([(1, slowProfile)], name: "slow17")
        defer { Fixture.remove(slow, slot: 1, rig: rig) }
        try watcher.wait(timeout: 30) {
            $0[.event]?.string == "cardInserted" && $0[.reader]?.string == PCSCRig.reader1 && $0[.identity] != nil
        }

        // The slow card's ReadCard holds the readers' queue.
        let slowRead = DispatchSemaphore(value: 0)
        let slowReadDone = LockedValue(false)
        Thread.detachNewThread {
            _ = try? Fixture.client(rig).call(ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader1)]))
            slowReadDone.set(true)
            slowRead.signal()
        }
        // Meanwhile a card comes into reader 0 and leaves before its read can run.
        let linesBefore = daemon.lineCount
        let quick = try PCSCRig.shared.insertCards([(0, DaemonRig.profile(
            cardNumber: Fixture.cardNumber(18), cardId: Fixture.cardId(18), ssn: Fixture.ssn(18), name: "吴九"))], name: "quick18")
        try daemon.waitForLine(containing: "card inserted in \(PCSCRig.reader0)", after: linesBefore)
        quick.terminate()
        try watcher.wait { $0[.event]?.string == "cardRemoved" && $0[.reader]?.string == PCSCRig.reader0 }
        try #require(!slowReadDone.value, "the slow ReadCard ended before the removal: the race was not set up")
        _ = slowRead.wait(timeout: .now() + 30)
        _ = try Fixture.client(rig).call(ReaderMethod.listReaders.name, [:])

        // A new subscriber is shown the slow card in reader 1 and nothing in reader 0.
        let fresh = try MonitorWatcher(rig)
        try fresh.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == PCSCRig.reader1 }
        #expect(!fresh.received.contains { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == PCSCRig.reader0 },
                "\(fresh.received)")
        // The first subscriber got no insertion in reader 0 after its removal: the
        // slow card's removal, published after anything queued before it, ends the span.
        slow.terminate()
        try watcher.wait { $0[.event]?.string == "cardRemoved" && $0[.reader]?.string == PCSCRig.reader1 }
        let events = watcher.received
        let removed = try #require(events.firstIndex { $0[.event]?.string == "cardRemoved" && $0[.reader]?.string == PCSCRig.reader0 })
        let after = events[(removed + 1)...].filter { $0[.reader]?.string == PCSCRig.reader0 }
        #expect(after.isEmpty, "reader 0 after its removal: \(after)")
    }
}

