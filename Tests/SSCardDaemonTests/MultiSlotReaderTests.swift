import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Readers with several slots, imitated by vpcd readers of a private pcscd
/// named as vendors name their slots (`PCSCLayout`, one reader.conf per
/// layout): a SAM slot is never chosen for a holder's card nor sent a
/// holder's command, the iType picks the interface, and where names say
/// nothing sscardd.conf's `reader-slots.KIND` decides.
@Suite("sscardd: readers with several slots", .serialized)
struct MultiSlotReaderTests {
    static func start(_ layout: PCSCLayout, extra: String = "") throws -> (DaemonRig, VarlinkClient) {
        let rig = try DaemonRig(extra: extra, start: false)
        try rig.start(environment: ["PCSCLITE_CSOCK_NAME": layout.socketPath])
        return (rig, try Fixture.client(rig))
    }

    static func profile(_ n: Int) -> String {
        DaemonRig.profile(cardNumber: Fixture.cardNumber(n), cardId: Fixture.cardId(n), ssn: Fixture.ssn(n), name: "李四")
    }

    static func interfaces(_ client: VarlinkClient) throws -> [String: String] {
        let readers = try client.call(ReaderMethod.listReaders.name, [:])[.readers]?.array ?? []
        return Dictionary(uniqueKeysWithValues: readers.compactMap { reader in
            reader[.name]?.string.map { ($0, reader[.interface]?.string ?? "?") }
        })
    }

    @Test("slot names say it (ICC, PICC, SAM): the SAM slot is never chosen nor read; the contact slot is")
    func namedSlots() throws {
        let layout = try PCSCLayout(friendlyNames: [
            "ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader ICC]",
            "ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader PICC]",
            "ACS ACR1281 1S Dual Reader [ACR1281 1S Dual Reader SAM]",
        ])
        let (icc, picc, sam) = (layout.reader(0), layout.reader(1), layout.reader(2))
        let (rig, client) = try Self.start(layout)
        _ = try Fixture.issue(50, client: client)
        let kinds = try Self.interfaces(client)
        #expect(kinds[icc] == "contact" && kinds[picc] == "contactless" && kinds[sam] == "sam", "\(kinds)")

        // A card in the SAM slot (what a PSAM answers does not matter here):
        // not read on insertion, not chosen, refused when named.
        let watcher = try MonitorWatcher(rig)
        let inSAM = try layout.insert(Self.profile(50), entry: 2, name: "in-sam")
        defer { inSAM.terminate() }
        let event = try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == sam }
        #expect(event[.identity] == nil)
        #expect(event[.readError]?.string?.contains("SAM") == true, "\(event)")
        let none = Fixture.error { _ = try client.call(ReaderMethod.readCard.name, [:]) }
        #expect(none?.name == ReaderErrorName.noCardInReader.name, "\(String(describing: none))")
        let named = Fixture.error { _ = try client.call(ReaderMethod.readCard.name, .fields([.reader: .string(sam)])) }
        #expect(named?.name == ReaderErrorName.notForHolderCards.name, "\(String(describing: named))")

        // The holder's card in the contact slot: chosen, no SeveralCardsPresent.
        let inICC = try layout.insert(Self.profile(50), entry: 0, name: "in-icc")
        defer { inICC.terminate() }
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == icc && $0[.identity] != nil }
        #expect(try client.call(ReaderMethod.readCard.name, [:])[.reader]?.string == icc)
        // A dual-interface card seen in both holder slots: iType 3 prefers contact.
        let inPICC = try layout.insert(Self.profile(50), entry: 1, name: "in-picc")
        defer { inPICC.terminate() }
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == picc && $0[.identity] != nil }
        #expect(try client.call(ReaderMethod.readCard.name, [:])[.reader]?.string == icc)
    }

    @Test("iType 2 (contactless only) chooses the PICC slot; never the SAM slot")
    func contactlessOnly() throws {
        let layout = try PCSCLayout(friendlyNames: ["OMNIKEY CardMan 5x21", "OMNIKEY CardMan 5x21-CL", "Dual Reader SAM"])
        let (rig, client) = try Self.start(layout, extra: "reader-type = 2")
        let watcher = try MonitorWatcher(rig)
        let cards = try [0, 1, 2].map { try layout.insert(Self.profile(51), entry: $0, name: "card-\($0)") }
        defer { cards.forEach { $0.terminate() } }
        for index in [0, 1] {
            try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == layout.reader(index) && $0[.identity] != nil }
        }
        #expect(try client.call(ReaderMethod.readCard.name, [:])[.reader]?.string == layout.reader(1))
    }

    @Test("names that say nothing: reader-slots in sscardd.conf is honoured (a mapped SAM slot is never a holder's)")
    func mappedSlots() throws {
        let layout = try PCSCLayout(friendlyNames: ["Generic Multi Slot Reader"])
        let (holder, samSlot) = (layout.reader(0, slot: 0), layout.reader(0, slot: 1))
        let (rig, client) = try Self.start(layout, extra: "reader-slots.sam = \(samSlot)\nreader-slots.contact = \(holder)\n")
        let number = try Fixture.issue(52, client: client)
        #expect(try Self.interfaces(client)[samSlot] == "sam")
        let watcher = try MonitorWatcher(rig)
        let inSAM = try layout.insert(Self.profile(52), entry: 0, slot: 1, name: "mapped-sam")
        defer { inSAM.terminate() }
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == samSlot }
        let none = Fixture.error { _ = try client.call(ReaderMethod.readCard.name, [:]) }
        #expect(none?.name == ReaderErrorName.noCardInReader.name, "\(String(describing: none))")
        // A lock naming the SAM slot never reaches it: the chip there stays readable.
        let lock = Fixture.error { _ = try client.call(RegistryMethod.lock.name, .fields([
            .cardNumber: .string(number), .reader: .string(samSlot), .evidence: Fixture.idCard])) }
        #expect(lock?.name == ReaderErrorName.notForHolderCards.name, "\(String(describing: lock))")
        let state = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]
        #expect(state?[.state]?.string == "active")

        let inHolder = try layout.insert(Self.profile(52), entry: 0, slot: 0, name: "mapped-holder")
        defer { inHolder.terminate() }
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == holder && $0[.identity] != nil }
        #expect(try client.call(ReaderMethod.readCard.name, [:])[.reader]?.string == holder)

        // A PIN pad asked for on a reader without one (whatever vpcd answers
        // the feature probe): no PIN pad, said as such, the probe's refusal
        // logged at most once however often it is asked.
        for _ in 0..<2 {
            let noPad = Fixture.error { _ = try client.call(ReaderMethod.verifyPin.name, .fields([.reader: .string(holder)])) }
            #expect(noPad?.name == ReaderErrorName.pinFormat.name, "\(String(describing: noPad))")
            #expect(noPad?.parameters[.reason]?.string?.contains("no PIN pad") == true)
        }
        let refusals = rig.daemon?.output.filter { $0.contains("refused the PIN-pad feature probe") } ?? []
        #expect(refusals.count <= 1, "\(refusals)")
    }
}
