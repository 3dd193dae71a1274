import Foundation
import SocialSecurityCard
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// A card that stops answering (sscard-vcard `faults.stopAnsweringAfter`:
/// it reads every further APDU and never replies, so pcscd's transmit never
/// returns) against the real daemon, pcscd and vpcd, with a short
/// `card-operation-timeout`. Before the rework, ReadCard on such a card
/// never returned, and 20 such calls held every varlink worker: GetStatus,
/// a registry-only call, was no longer answered.
@Suite("sscardd: a card that stops answering", .serialized)
struct UnresponsiveReaderTests {
    static let timeout = 3.0
    /// APDUs of one identity read (SELECT and the READ RECORDs; T=1 has no GET RESPONSE).
    static let identityAPDUs = 1 + CardField.identityFields.count

    func rig() throws -> DaemonRig {
        try DaemonRig(extra: "card-operation-timeout = \(Int(Self.timeout))")
    }

    /// A profile for holder n that answers `answered` APDUs after insertion, then none.
    static func muteProfile(_ n: Int, answered: Int) -> String {
        let profile = DaemonRig.profile(cardNumber: Fixture.cardNumber(n), cardId: Fixture.cardId(n),
                                        ssn: Fixture.ssn(n), name: "周九")
        return String(profile.dropLast()) + ", \"faults\": {\"stopAnsweringAfter\": \(answered)}}"
    }

    /// One call on a connection of its own; the error name (nil: success) and how long it took.
    static func timedCall(_ rig: DaemonRig, _ method: String, _ parameters: JSONValue) -> (error: String?, seconds: Double) {
        let started = Date()
        let error = Fixture.error {
            let client = try VarlinkClient(path: rig.socketPath, timeout: .seconds(60))
            defer { client.close() }
            _ = try client.call(method, parameters)
        }
        return (error?.name, Date().timeIntervalSince(started))
    }

    @Test("ReadCard on a mute card answers ReaderUnresponsive at the deadline; registry calls and the other reader are answered meanwhile; the reader is marked until the card is replaced")
    func muteCardDoesNotFreezeTheService() throws {
        let rig = try rig()
        let client = try Fixture.client(rig)
        let registered = try Fixture.issue(60, client: client)
        let other = try Fixture.insert(61, name: "吴十", slot: 1, rig: rig)
        defer { Fixture.remove(other, slot: 1, rig: rig) }

        // The insertion read is answered; the next ReadCard's third APDU is not.
        let watcher = try MonitorWatcher(rig)
        let mute = try PCSCRig.shared.insertCards([(0, Self.muteProfile(62, answered: Self.identityAPDUs + 2))], name: "mute62")
        var muteInserted = true
        defer { if muteInserted { Fixture.remove(mute, slot: 0, rig: rig) } }
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == PCSCRig.reader0 && $0[.identity] != nil }

        // 20 ReadCards on the mute card, started together.
        let reader0: JSONValue = .fields([.reader: .string(PCSCRig.reader0)])
        let results = LockedValue<[(error: String?, seconds: Double, finished: Date)]>([])
        let group = DispatchGroup()
        for _ in 0..<20 {
            group.enter()
            // Threads of their own: a global queue's few threads would not start 20 blocking calls together.
            Thread.detachNewThread {
                let outcome = Self.timedCall(rig, ReaderMethod.readCard.name, reader0)
                results.withLock { $0.append((outcome.error, outcome.seconds, Date())) }
                group.leave()
            }
        }
        // The card has left an APDU unanswered: a transmit is stuck in pcscd.
        try mute.waitForLine(containing: "silent port")

        // Meanwhile: the registry and the other reader answer.
        let status = Self.timedCall(rig, RegistryMethod.getStatus.name, .fields([.cardNumber: .string(registered)]))
        let statusAnswered = Date()
        let otherRead = Self.timedCall(rig, ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader1)]))
        let otherAnswered = Date()
        #expect(status.error == nil, "\(status)")
        #expect(otherRead.error == nil, "\(otherRead)")

        #expect(group.wait(timeout: .now() + Self.timeout + 10) == .success, "a ReadCard on the mute card did not return")
        let outcomes = results.withLock { $0 }
        #expect(outcomes.count == 20)
        #expect(outcomes.allSatisfy { $0.error == ReaderErrorName.readerUnresponsive.name || $0.error == ReaderErrorName.readerBusy.name },
                "\(outcomes.map(\.error))")
        // The call stuck in the card is answered at its deadline, not later and not before.
        let slowest = outcomes.map(\.seconds).max() ?? 0
        #expect(slowest >= Self.timeout - 0.1 && slowest < Self.timeout + 3, "\(outcomes.map(\.seconds))")
        // GetStatus and the other reader were answered while that call was still pending.
        let stuckAnswered = outcomes.map(\.finished).max() ?? .distantPast
        #expect(statusAnswered < stuckAnswered && otherAnswered < stuckAnswered)

        // Marked in ListReaders and Monitor; further calls fail fast.
        try watcher.wait { $0[.event]?.string == "readerUnresponsive" && $0[.reader]?.string == PCSCRig.reader0 }
        let readers = try client.call(ReaderMethod.listReaders.name)[.readers]?.array ?? []
        let marks = Dictionary(readers.map { ($0[.name]?.string ?? "", $0[.unresponsive]?.bool) }, uniquingKeysWith: { a, _ in a })
        #expect(marks[PCSCRig.reader0] == true && marks[PCSCRig.reader1] == false, "\(readers)")
        let again = Self.timedCall(rig, ReaderMethod.readCard.name, reader0)
        #expect(again.error == ReaderErrorName.readerUnresponsive.name && again.seconds < 1, "\(again)")

        // The card is removed and a working one inserted: the reader answers again.
        Fixture.remove(mute, slot: 0, rig: rig)
        muteInserted = false
        try watcher.wait { $0[.event]?.string == "readerResponsive" && $0[.reader]?.string == PCSCRig.reader0 }
        let working = try Fixture.insert(63, name: "郑一", slot: 0, rig: rig)
        defer { Fixture.remove(working, slot: 0, rig: rig) }
        let read = try client.call(ReaderMethod.readCard.name, reader0)
        #expect(read[.identity]?[.cardNumber]?.string == Fixture.cardNumber(63))
        let after = try client.call(ReaderMethod.listReaders.name)[.readers]?.array ?? []
        #expect(after.allSatisfy { $0[.unresponsive]?.bool == false }, "\(after)")
    }

    @Test("a card that stops answering during its insertion read is reported with a read error at the deadline, not never")
    func muteCardAtInsertion() throws {
        let rig = try rig()
        let watcher = try MonitorWatcher(rig)
        let started = Date()
        let mute = try PCSCRig.shared.insertCards([(0, Self.muteProfile(64, answered: 2))], name: "mute64")
        let inserted = try watcher.wait(timeout: Self.timeout + 15) {
            $0[.event]?.string == "cardInserted" && $0[.reader]?.string == PCSCRig.reader0
        }
        #expect(inserted[.identity] == nil && inserted[.readError]?.string?.contains("ReaderUnresponsive") == true, "\(inserted)")
        #expect(Date().timeIntervalSince(started) < Self.timeout + 10)
        try watcher.wait { $0[.event]?.string == "readerUnresponsive" && $0[.reader]?.string == PCSCRig.reader0 }
        // The monitor is not wedged: the removal is reported, and the mark goes with the card.
        Fixture.remove(mute, slot: 0, rig: rig)
        try watcher.wait { $0[.event]?.string == "cardRemoved" && $0[.reader]?.string == PCSCRig.reader0 }
        try watcher.wait { $0[.event]?.string == "readerResponsive" && $0[.reader]?.string == PCSCRig.reader0 }
    }
}
