import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Issue 17's counter services against sscardd as a process: the loophole
/// refused over the socket, and an operator (not only an administrator)
/// cancelling with documents and recording the bank's acknowledgement
/// through sscardctl.
@Suite("sscardd: counter services (issue 17)", .serialized)
struct CounterServicesDaemonTests {
    let operatorGroups = [DaemonRig.operatorGid]
    let uid = DaemonRig.otherUid

    /// Formal loss → Apply → advance → BindCard → Activate → ReleaseLoss once
    /// all succeeded. Now Apply is refused, naming the lost card's state, the
    /// refusal is in the trail, and the holder keeps exactly one card.
    @Test("after a formal loss a first-card application is refused; the lost card is the only card")
    func theLoopholeIsClosed() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(40, name: "吴十", client: client)
        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "formal", .cardNumber: .string(number), .evidence: Fixture.idCard]))
        let refused = Fixture.error {
            _ = try client.call(RegistryMethod.apply.name, .fields([
                .holder: .fields([.ssn: .string(Fixture.ssn(40)), .name: "吴十"]), .evidence: Fixture.idCard]))
        }
        #expect(refused?.name == RegistryErrorName.ruleViolated.name)
        #expect(refused?.parameters[.rule]?.string == "holderAlreadyHasCard")
        #expect(refused?.parameters[.reason]?.string?.contains("formallyLost") == true)

        let holder = try client.call(RegistryMethod.getStatus.name, .fields([.ssn: .string(Fixture.ssn(40))]))
        #expect(holder[.cards]?.array?.count == 1)
        #expect(holder[.applications]?.array?.count == 1)
        // The replacement is the way forward, charged as lost and recorded as paid.
        let replacement = try client.call(RegistryMethod.replace.name, .fields([
            .cardNumber: .string(number), .replacementReason: "lost", .evidence: Fixture.idCard]))
        #expect(replacement[.application]?[.feeFen]?.int == 1800)
        #expect(replacement[.application]?[.feeSettlement]?.string == "paid")
        let trail = try client.call(RegistryMethod.history.name, .fields([.ssn: .string(Fixture.ssn(40))]))[.entries]?.array ?? []
        #expect(trail.contains { $0[.action]?.string == "apply" && $0[.outcome]?.string == "refused" })
    }

    @Test("an operator cancels with the reason's documents and records the bank's acknowledgement")
    func operatorCancelsAndRecordsTheBank() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(41, client: client)

        let opened = try rig.sscardctl(["--json", "bank", "opened", "--card", number, "--reason", "ICBC ref 77"],
                                       uid: uid, groups: operatorGroups)
        #expect(opened.code == 0, "\(opened.output)")
        #expect(opened.output.contains("\"bankFunction\":\"opened\""))
        let wrongOrder = try rig.sscardctl(["bank", "lossReleased", "--card", number], uid: uid, groups: operatorGroups)
        #expect(wrongOrder.code == 1)

        let loss = try rig.sscardctl(["loss", "formal", "--card", number, "--bank-reminder", "told", "--document", "idCard"],
                                     uid: uid, groups: operatorGroups)
        #expect(loss.code == 0, "\(loss.output)")

        // Bad input: a typed error naming the parameter, nothing applied.
        let badKind = Fixture.error { _ = try client.call(RegistryMethod.cancel.name, .fields([
            .cardNumber: .string(number), .cancellationReason: "divorce", .evidence: Fixture.idCard])) }
        #expect(badKind?.name == RegistryErrorName.invalidValue.name)
        #expect(badKind?.parameters[.parameter]?.string == "cancellationReason")
        let badEvent = Fixture.error { _ = try client.call(RegistryMethod.recordBankEvent.name, .fields([
            .cardNumber: .string(number), .event: "frozen"])) }
        #expect(badEvent?.parameters[.parameter]?.string == "event")
        let badReminder = Fixture.error { _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .bankReminder: "maybe", .evidence: Fixture.idCard])) }
        #expect(badReminder?.parameters[.parameter]?.string == "bankReminder")
        #expect(try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?.string
            == "formallyLost")

        let noDocuments = try rig.sscardctl(["cancel", "--card", number, "--cancellation-reason", "emigration"],
                                            uid: uid, groups: operatorGroups)
        #expect(noDocuments.code == 1)
        let cancel = try rig.sscardctl(["--json", "cancel", "--card", number, "--cancellation-reason", "emigration",
                                        "--document", "civilRegistryProof"], uid: uid, groups: operatorGroups)
        #expect(cancel.code == 0, "\(cancel.output)")
        #expect(cancel.output.contains("\"state\":\"cancelled\""))

        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let done = trail.filter { $0[.outcome]?.string == "done" }
        #expect(done.contains { $0[.action]?.string == "recordBankEvent" && $0[.role]?.string == "operator"
                && $0[.reason]?.string == "ICBC ref 77" })
        #expect(done.contains { $0[.action]?.string == "reportFormalLoss" && $0[.detail]?.string?.contains("bankReminder=toldByOperator") == true })
        #expect(done.contains { $0[.action]?.string == "cancel" && $0[.role]?.string == "operator"
                && $0[.detail]?.string == "cancellationReason=emigration" && $0[.document]?.string == "civilRegistryProof" })
        #expect(trail.contains { $0[.action]?.string == "cancel" && $0[.outcome]?.string == "refused" })
    }
}
