import Foundation
import PCSC
import SocialSecurityCard
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Lock and unlock on the chip, through real pcscd and vpcd: APPLICATION
/// BLOCK (temporary) / UNBLOCK with the security module's MAC once the
/// registry allows it; without a reader the registry alone, and the card's
/// record says its chip is still blocked until a counter reader unblocks it.
/// The chip is checked outside sscardd (`ChipProbe`); the APDUs sscardd sent
/// are counted from the virtual card's header trace (`--trace headers`).
@Suite("sscardd: lock and unlock on the chip", .serialized)
struct ChipLockTests {
    static func lock(_ client: VarlinkClient, _ number: String, reader: String? = PCSCRig.reader0,
                     unlock: Bool = false) throws -> JSONValue {
        var p: [WireKey: JSONValue] = [.cardNumber: .string(number), .evidence: Fixture.idCard]
        if let reader { p[.reader] = .string(reader) }
        return try client.call((unlock ? RegistryMethod.unlock : .lock).name, .fields(p))[.card] ?? .null
    }

    static func outcomes(_ client: VarlinkClient, _ number: String, action: String) throws -> [String?] {
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        return trail.filter { $0[.action]?.string == action }.map { $0[.outcome]?.string }
    }

    static func details(_ client: VarlinkClient, _ number: String, action: String) throws -> [String?] {
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        return trail.filter { $0[.action]?.string == action }.map { $0[.detail]?.string }
    }

    @Test("Lock with a reader blocks the chip (the card refuses its holder data); Unlock with the reader restores it")
    func lockAndUnlockOnTheChip() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(40, client: client)
        let card = try Fixture.insert(40, rig: rig, traced: true)
        defer { Fixture.remove(card, rig: rig) }

        let locked = try Self.lock(client, number)
        #expect(locked[.state]?.string == "locked")
        #expect(locked[.chipBlocked]?.bool == true)
        #expect(try ChipProbe.holderDataStatus() == .functionNotSupported)
        // The temporary block only: P2 00, never the permanent 01.
        #expect(card.output.contains { $0.contains("apdu 84 1E 00 00") })
        #expect(!card.output.contains { $0.contains("apdu 84 1E 00 01") })

        // ReadCard says what is wrong, with the registry's state.
        let blocked = Fixture.error { _ = try client.call(ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader0)])) }
        #expect(blocked?.name == ReaderErrorName.chipBlocked.name, "\(String(describing: blocked))")
        #expect(blocked?.parameters[.cardNumber]?.string == number)
        #expect(blocked?.parameters[.registryState]?.string == "locked")

        let unlocked = try Self.lock(client, number, unlock: true)
        #expect(unlocked[.state]?.string == "active")
        #expect(unlocked[.chipBlocked]?.bool == false)
        #expect(try ChipProbe.holderDataStatus() == .success)
        #expect(card.output.contains { $0.contains("apdu 84 18 00 00") })
        // The MAC'd commands left no verified state: the card was reset.
        #expect(try ChipProbe.triesLeft() == 3)

        #expect(try Self.outcomes(client, number, action: "lock") == ["authorised", "done"])
        #expect(try Self.outcomes(client, number, action: "unlock") == ["authorised", "done"])
        #expect(try Self.details(client, number, action: "lock").last == "chipBlocked=true")
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
    }

    @Test("Unlock without the card: GetStatus and ReadCard show the chip still blocked until a counter reader unblocks it")
    func unlockWithoutTheCardLeavesTheChipBlocked() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(41, client: client)
        let card = try Fixture.insert(41, rig: rig)
        var inReader = true
        defer { if inReader { Fixture.remove(card, rig: rig) } }

        _ = try Self.lock(client, number)
        let registryOnly = try Self.lock(client, number, reader: nil, unlock: true)
        #expect(registryOnly[.state]?.string == "active")
        #expect(registryOnly[.chipBlocked]?.bool == true)
        let status = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]
        #expect(status?[.state]?.string == "active")
        #expect(status?[.chipBlocked]?.bool == true)
        #expect(try ChipProbe.holderDataStatus() == .functionNotSupported)
        let read = Fixture.error { _ = try client.call(ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader0)])) }
        #expect(read?.name == ReaderErrorName.chipBlocked.name)
        #expect(read?.parameters[.registryState]?.string == "active")
        let shown = try rig.sscardctl(["status", "--card", number], locale: "C.UTF-8")
        let line = shown.output.split(separator: "\n").first { $0.contains("Chip blocked") }
        #expect(line?.hasSuffix("yes") == true, "\(shown.output)")

        // Without the card there is nothing more to unlock.
        let again = Fixture.error { _ = try Self.lock(client, number, reader: nil, unlock: true) }
        #expect(again?.name == RegistryErrorName.transitionRefused.name, "\(String(describing: again))")

        // The holder comes back later: the same card, still blocked, is inserted
        // at the counter; its insertion says so.
        Fixture.remove(card, rig: rig)
        inReader = false
        let watcher = try MonitorWatcher(rig)
        let blockedProfile = DaemonRig.profile(cardNumber: Fixture.cardNumber(41), cardId: Fixture.cardId(41),
                                               ssn: Fixture.ssn(41), name: "李四")
            .replacingOccurrences(of: #""pinTries": 3,"#, with: #""pinTries": 3, "state": "locked","#)
        let returned = try PCSCRig.shared.insertCards([(0, blockedProfile)], name: "card41-returned")
        defer { Fixture.remove(returned, rig: rig) }
        let inserted = try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == PCSCRig.reader0 }
        #expect(inserted[.identity] == nil)
        #expect(inserted[.readError]?.string?.contains("blocked on the chip") == true, "\(inserted)")

        // At a counter reader holding the card: the chip catches up.
        let cleared = try Self.lock(client, number, unlock: true)
        #expect(cleared[.state]?.string == "active")
        #expect(cleared[.chipBlocked]?.bool == false)
        #expect(try ChipProbe.holderDataStatus() == .success)
        #expect(try client.call(ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader0)]))[.identity] != nil)
        #expect(try Self.outcomes(client, number, action: "unlock") == ["done", "refused", "authorised", "done"])
        #expect(try Self.details(client, number, action: "unlock") == ["chipStillBlocked=true", nil, nil, "chipBlocked=false"])
    }

    @Test("a refused Lock sends no APDU that changes the chip; a lost card is never touched")
    func refusedCallsLeaveTheChip() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(42, client: client)
        let card = try Fixture.insert(42, rig: rig, traced: true)
        defer { Fixture.remove(card, rig: rig) }

        // Without evidence the registry refuses before the chip.
        let noEvidence = Fixture.error { _ = try client.call(RegistryMethod.lock.name, .fields([
            .cardNumber: .string(number), .reader: .string(PCSCRig.reader0)])) }
        #expect(noEvidence?.parameters[.rule]?.string == "evidenceRequired", "\(String(describing: noEvidence))")

        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .evidence: Fixture.idCard]))
        let lost = Fixture.error { _ = try Self.lock(client, number) }
        #expect(lost?.name == RegistryErrorName.transitionRefused.name)
        let lostUnlock = Fixture.error { _ = try Self.lock(client, number, unlock: true) }
        #expect(lostUnlock?.name == RegistryErrorName.transitionRefused.name)

        // No GET CHALLENGE, no block or unblock reached the chip; it still reads.
        #expect(!card.output.contains { $0.contains("apdu 00 84") || $0.contains("apdu 84 1E") || $0.contains("apdu 84 18") },
                "\(card.output)")
        #expect(try ChipProbe.holderDataStatus() == .success)
        #expect(try Self.outcomes(client, number, action: "lock") == ["refused", "refused"])
        #expect(try Self.outcomes(client, number, action: "unlock") == ["refused"])
        let state = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]
        #expect(state?[.state]?.string == "temporarilyLost")
        #expect(state?[.chipBlocked]?.bool == false)
    }

    @Test("the authorised entry is durable before the chip: a MAC the chip rejects is recorded failed with 6988, the registry unchanged")
    func chipRefusalIsRecordedAfterTheAuthorisation() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(43, client: client)
        // A chip personalised with another maintenance key: sscardd's MAC cannot match.
        let profile = DaemonRig.profile(cardNumber: Fixture.cardNumber(43), cardId: Fixture.cardId(43),
                                        ssn: Fixture.ssn(43), name: "李四")
            .replacingOccurrences(of: "FFEEDDCCBBAA99887766554433221100", with: "0F0E0D0C0B0A09080706050403020100")
        let card = try Fixture.insert(profile: profile, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let refused = Fixture.error { _ = try Self.lock(client, number) }
        #expect(refused?.parameters[.statusWord]?.string == "6988", "\(String(describing: refused))")
        #expect(try Self.outcomes(client, number, action: "lock") == ["authorised", "failed"])
        #expect(try Self.details(client, number, action: "lock").last == "statusWord=6988")
        let state = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]
        #expect(state?[.state]?.string == "active")
        #expect(state?[.chipBlocked]?.bool == false)
        #expect(try ChipProbe.holderDataStatus() == .success)
    }

    @Test("a different card in the reader: refused, the chip untouched")
    func identityIsCheckedBeforeTheBlock() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(44, client: client)
        _ = try Fixture.issue(45, client: client)
        let card = try Fixture.insert(45, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let mismatch = Fixture.error { _ = try Self.lock(client, number) }
        #expect(mismatch?.name == RegistryErrorName.identityMismatch.name, "\(String(describing: mismatch))")
        #expect(try ChipProbe.holderDataStatus() == .success)
        let state = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]
        #expect(state?[.state]?.string == "active")
    }
}
