import Foundation
import PCSC
import SocialSecurityCard
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Decide, then act, on the chip: the registry's rules run before the first
/// APDU that changes a card, every attempt is in the audit trail, and no
/// verified state outlives a call. Each chip is checked afterwards outside
/// sscardd, through the test's own PC/SC connection (`ChipProbe`).
@Suite("sscardd: authorisation before the chip", .serialized)
struct ChipAuthorisationTests {
    @Test("ResetPassword with a reader on a temporarily lost card is refused and the chip's PIN is unchanged")
    func resetOnLostCardLeavesTheChip() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(30, client: client)
        let card = try Fixture.insert(30, rig: rig)
        defer { Fixture.remove(card, rig: rig) }
        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .evidence: Fixture.idCard]))

        let refused = Fixture.error { _ = try client.call(RegistryMethod.resetPassword.name, .fields([
            .cardNumber: .string(number), .reader: .string(PCSCRig.reader0), .newPin: "135790",
            .evidence: Fixture.idCardAndCard])) }
        #expect(refused?.name == RegistryErrorName.transitionRefused.name)
        // The holder's old PIN still opens the chip: nothing was reloaded.
        #expect(try ChipProbe.pinIs("123456") == .verified)

        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let resets = trail.filter { $0[.action]?.string == "resetPassword" }
        #expect(resets.map { $0[.outcome]?.string } == ["refused"], "\(resets)")
        #expect(!Self.withoutHashes(trail).contains("135790"))
    }

    @Test("ChangePassword at the counter without evidence is refused before the chip: the old PIN still works")
    func changeWithoutEvidenceLeavesTheChip() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(31, client: client)
        let card = try Fixture.insert(31, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let refused = Fixture.error { _ = try client.call(RegistryMethod.changePassword.name, .fields([
            .reader: .string(PCSCRig.reader0), .oldPin: "123456", .newPin: "246810"])) }
        #expect(refused?.parameters[.rule]?.string == "evidenceRequired", "\(String(describing: refused))")
        #expect(try ChipProbe.pinIs("123456") == .verified)
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        #expect(trail.contains { $0[.action]?.string == "changePassword" && $0[.outcome]?.string == "refused" })
        #expect(!trail.contains { $0[.action]?.string == "changePassword" && $0[.outcome]?.string == "done" })
    }

    @Test("Reader.VerifyPin and ChangePin are in the audit trail and refused on a lost card without spending a try")
    func readerPinMethodsGoThroughTheRegistry() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(32, client: client)
        let card = try Fixture.insert(32, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        #expect(try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "123456"]))[.result]?.string == "verified")
        let wrong = try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "999999"]))
        #expect(wrong[.result]?.string == "wrong" && wrong[.triesLeft]?.int == 2)
        // At the counter a PIN change needs what ChangePassword needs: evidence.
        let noEvidence = Fixture.error { _ = try client.call(ReaderMethod.changePin.name, .fields([.oldPin: "123456", .newPin: "246810"])) }
        #expect(noEvidence?.parameters[.rule]?.string == "evidenceRequired")
        #expect(try client.call(ReaderMethod.changePin.name, .fields([
            .oldPin: "123456", .newPin: "246810", .evidence: Fixture.idCard]))[.result]?.string == "verified")

        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .evidence: Fixture.idCard]))
        let lost = Fixture.error { _ = try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "975318"])) }
        #expect(lost?.name == RegistryErrorName.transitionRefused.name)
        let lostChange = Fixture.error { _ = try client.call(ReaderMethod.changePin.name, .fields([
            .oldPin: "246810", .newPin: "112233", .evidence: Fixture.idCard])) }
        #expect(lostChange?.name == RegistryErrorName.transitionRefused.name)
        // No try was spent on the lost card, and its PIN is the one set before the loss.
        #expect(try ChipProbe.triesLeft() == 3)
        #expect(try ChipProbe.pinIs("246810") == .verified)

        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let verifies = trail.filter { $0[.action]?.string == "verifyPin" }
        // Each chip operation the registry allowed is written ahead as authorised,
        // then its outcome; a refused one never reaches the chip.
        #expect(verifies.map { $0[.outcome]?.string } == ["authorised", "done", "authorised", "failed", "refused"],
                "\(verifies)")
        #expect(verifies.dropFirst(3).first?[.detail]?.string == "statusWord=63C2")
        #expect(trail.filter { $0[.action]?.string == "changePassword" }.map { $0[.outcome]?.string }
            == ["refused", "authorised", "done", "refused"])
        // The entries' text without their hashes, whose hex digits could hold any six digits.
        let text = Self.withoutHashes(trail)
        for pin in ["123456", "999999", "246810", "975318", "112233"] {
            #expect(!text.contains(pin))
            #expect(!(rig.daemon?.output.joined(separator: "\n").contains(pin) ?? true))
        }
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
    }

    @Test("after VerifyPin and ChangePin the card is reset: another program finds it unverified")
    func noVerifiedStateOutlivesTheCall() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        _ = try Fixture.issue(33, client: client)
        let card = try Fixture.insert(33, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        // The probe itself can see a verified chip: its own VERIFY leaves it so.
        #expect(try ChipProbe.pinIs("123456") == .verified)
        #expect(try ChipProbe.securityStatus() == .success)

        #expect(try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "123456"]))[.result]?.string == "verified")
        #expect(try ChipProbe.securityStatus().triesLeft == 3)
        #expect(try client.call(ReaderMethod.changePin.name, .fields([
            .oldPin: "123456", .newPin: "246810", .evidence: Fixture.idCard]))[.result]?.string == "verified")
        #expect(try ChipProbe.securityStatus().triesLeft == 3)
    }

    /// Audit entries as text without their hashes, whose hex digits could hold any six digits.
    static func withoutHashes(_ entries: [JSONValue]) -> String {
        entries.map { entry in
            let hash = entry[.hash]?.string ?? "-"
            return entry.description.replacingOccurrences(of: hash, with: "")
        }.joined(separator: "\n")
    }
}
