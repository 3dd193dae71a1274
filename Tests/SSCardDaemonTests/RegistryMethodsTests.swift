import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Every org.sscard.Registry method through the socket of a running sscardd
/// process: the happy path and its refusals.
@Suite("sscardd: org.sscard.Registry over the socket", .serialized)
struct RegistryMethodsTests {
    @Test("a card's whole life: apply, produce, bind, activate, lose, release, lock, seal, replace, cancel")
    func wholeLifecycle() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let ssn = Fixture.ssn(1), number = Fixture.cardNumber(1)

        let applied = try client.call(RegistryMethod.apply.name, .fields([
            .holder: .fields([.ssn: .string(ssn), .name: "王小明", .phone: "13800000000"]), .evidence: Fixture.idCard,
        ]))
        #expect(applied[.application]?[.stage]?.string == "accepted")
        let id = try #require(applied[.application]?[.applicationId]?.int)
        #expect(Fixture.error { _ = try client.call(RegistryMethod.bindCard.name, .fields([
            .applicationId: .int(id), .identity: .fields([.cardNumber: .string(number), .cardId: .string(Fixture.cardId(1)),
                                                    .ssn: .string(ssn), .name: "王小明"])])) }?.name
            == RegistryErrorName.ruleViolated.name)
        for stage in ["reviewed", "ordered", "producing", "produced"] {
            let reply = try client.call(RegistryMethod.advanceApplication.name, .fields([.applicationId: .int(id), .stage: .string(stage)]))
            #expect(reply[.application]?[.stage]?.string == stage)
        }
        let bound = try client.call(RegistryMethod.bindCard.name, .fields([
            .applicationId: .int(id), .evidence: Fixture.idCard,
            .identity: .fields([.cardNumber: .string(number), .cardId: .string(Fixture.cardId(1)), .ssn: .string(ssn), .name: "王小明"]),
        ]))
        #expect(bound[.card]?[.state]?.string == "issued")
        #expect(bound[.card]?[.name]?.string == "王小明")

        let active = try client.call(RegistryMethod.activate.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        #expect(active[.card]?[.state]?.string == "active")

        let lost = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .ssn: .string(ssn), .electronicCredentialContinues: true, .evidence: Fixture.idCard,
        ]))
        #expect(lost[.card]?[.state]?.string == "temporarilyLost")
        #expect(lost[.card]?[.previousState]?.string == "active")
        #expect(lost[.card]?[.electronicCredentialContinues]?.bool == true)
        let expires = try #require(lost[.card]?[.lossExpiresAt]?.string)
        #expect(expires.hasSuffix("Z"))
        #expect(lost[.reminder]?[.zh]?.string?.contains("金融") == true)
        #expect(lost[.reminder]?[.en]?.string?.contains("financial") == true)
        let pending = try client.call(RegistryMethod.pendingReleases.name, [:])
        #expect(pending[.releases]?[0]?[.cardNumber]?.string == number)
        #expect(pending[.releases]?[0]?[.lossExpiresAt]?.string == expires)

        let released = try client.call(RegistryMethod.releaseLoss.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))
        #expect(released[.card]?[.state]?.string == "active")
        #expect(released[.card]?[.lossExpiresAt] == nil)

        #expect(try client.call(RegistryMethod.lock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))[.card]?[.state]?.string == "locked")
        #expect(try client.call(RegistryMethod.unlock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard]))[.card]?[.state]?.string == "active")
        #expect(try client.call(RegistryMethod.seal.name, .fields([.cardNumber: .string(number), .reason: "holder abroad"]))[.card]?[.state]?.string == "sealed")
        #expect(try client.call(RegistryMethod.unseal.name, .fields([.cardNumber: .string(number), .reason: "returned"]))[.card]?[.state]?.string == "active")
        #expect(try client.call(RegistryMethod.resetPassword.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCardAndCard]))[.card]?[.state]?.string == "active")

        let holder = try client.call(RegistryMethod.updateHolder.name, .fields([
            .ssn: .string(ssn), .address: "太原市迎泽区", .evidence: Fixture.idCard,
        ]))
        #expect(holder[.holder]?[.address]?.string == "太原市迎泽区")
        #expect(holder[.holder]?[.phone]?.string == "13800000000")

        let replacement = try client.call(RegistryMethod.replace.name, .fields([
            .cardNumber: .string(number), .replacementReason: "damaged", .evidence: Fixture.idCard,
        ]))
        #expect(replacement[.application]?[.kind]?.string == "replacement")
        #expect(replacement[.application]?[.feeFen]?.int == 1800)
        #expect(replacement[.application]?[.replaces]?.string == number)

        let byHolder = try client.call(RegistryMethod.getStatus.name, .fields([.ssn: .string(ssn)]))
        #expect(byHolder[.holder]?[.name]?.string == "王小明")
        #expect(byHolder[.cards]?.array?.count == 1)
        #expect(byHolder[.applications]?.array?.count == 2)

        let history = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))
        let done = history[.entries]?.array?.filter { $0[.outcome]?.string == "done" } ?? []
        let actions = done.compactMap { $0[.action]?.string }
        #expect(Array(actions.prefix(10)) == ["bind", "activate", "reportTemporaryLoss", "releaseLoss", "lock", "unlock",
                                               "seal", "unseal", "resetPassword", "replace"])
        #expect(done.first?[.actor]?.string == "root")
        #expect(done.first?[.servicePoint]?.string == "test-140105")

        // A relative cancels after the holder's death: the civil registry's proof and their own ID.
        let deathProof: JSONValue = .fields([.document: "civilRegistryProof", .proxySsn: .string(Fixture.ssn(2))])
        #expect(Fixture.error { _ = try client.call(RegistryMethod.cancel.name, .fields([
            .cardNumber: .string(number), .cancellationReason: "death", .reason: "deceased", .evidence: Fixture.idCard])) }?.name
            == RegistryErrorName.ruleViolated.name)
        let cancelled = try client.call(RegistryMethod.cancel.name, .fields([
            .cardNumber: .string(number), .cancellationReason: "death", .reason: "deceased", .evidence: deathProof]))
        #expect(cancelled[.card]?[.state]?.string == "cancelled")

        let audit = try client.call(RegistryMethod.verifyAudit.name, [:])
        #expect(audit[.intact]?.bool == true)
        #expect((audit[.entriesChecked]?.int ?? 0) >= 15)

        let backup = rig.directory + "/backup.sqlite"
        #expect(try client.call(RegistryMethod.backup.name, .fields([.path: .string(backup)]))[.path]?.string == backup)
        #expect(FileManager.default.fileExists(atPath: backup))

        // An existing path only with overwrite; the live registry's files never,
        // not even through a symbolic link to the state directory.
        let again = Fixture.error { _ = try client.call(RegistryMethod.backup.name, .fields([.path: .string(backup)])) }
        #expect(again?.name == RegistryErrorName.invalidValue.name)
        #expect(again?.parameters[.reason]?.string?.contains("already exists") == true)
        #expect(try client.call(RegistryMethod.backup.name, .fields([.path: .string(backup), .overwrite: true]))[.path]?.string == backup)
        let link = rig.directory + "/state-link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: rig.stateDirectory)
        for live in [rig.stateDirectory + "/registry.sqlite", rig.stateDirectory + "/registry.sqlite-wal",
                     link + "/registry.sqlite-shm", link + "/registry.sqlite"] {
            let refused = Fixture.error {
                _ = try client.call(RegistryMethod.backup.name, .fields([.path: .string(live), .overwrite: true]))
            }
            #expect(refused?.name == RegistryErrorName.invalidValue.name, "\(live)")
            #expect(refused?.parameters[.reason]?.string?.contains("live registry") == true, "\(live)")
        }
        // The live registry is untouched: still serving, its chain intact.
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        #expect(try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?.string == "cancelled")
    }

    @Test("refusals name what is wrong: bad values, missing parameters, unknown cards, refused transitions")
    func refusals() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(2, client: client)

        let badNumber = Fixture.error { _ = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: "X00000018"])) }
        #expect(badNumber?.name == RegistryErrorName.invalidValue.name)
        #expect(badNumber?.parameters[.parameter]?.string == "cardNumber")
        #expect(badNumber?.parameters[.reason]?.string?.contains("check character") == true)

        let missing = Fixture.error { _ = try client.call(RegistryMethod.releaseLoss.name, [:]) }
        #expect(missing?.name == "org.varlink.service.InvalidParameter")
        #expect(missing?.parameters[.parameter]?.string == "cardNumber")

        let wrongType = Fixture.error { _ = try client.call(RegistryMethod.advanceApplication.name,
                                                            .fields([.applicationId: "one", .stage: "reviewed"])) }
        #expect(wrongType?.parameters[.parameter]?.string == "applicationId")

        let badStage = Fixture.error { _ = try client.call(RegistryMethod.advanceApplication.name,
                                                           .fields([.applicationId: 1, .stage: "shipped"])) }
        #expect(badStage?.name == RegistryErrorName.invalidValue.name)

        let unknown = Fixture.error { _ = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(Fixture.cardNumber(99))])) }
        #expect(unknown?.name == RegistryErrorName.cardNotFound.name)
        #expect(unknown?.parameters[.cardNumber]?.string == Fixture.cardNumber(99))

        let refused = Fixture.error { _ = try client.call(RegistryMethod.unlock.name, .fields([.cardNumber: .string(number), .evidence: Fixture.idCard])) }
        #expect(refused?.name == RegistryErrorName.transitionRefused.name)
        #expect(refused?.parameters[.state]?.string == "active")
        #expect(refused?.parameters[.operation]?.string == "unlock")

        let noEvidence = Fixture.error { _ = try client.call(RegistryMethod.lock.name, .fields([.cardNumber: .string(number)])) }
        #expect(noEvidence?.name == RegistryErrorName.ruleViolated.name)
        #expect(noEvidence?.parameters[.rule]?.string == "evidenceRequired")

        let unknownMethod = Fixture.error { _ = try client.call("org.sscard.Registry.Teleport", [:]) }
        #expect(unknownMethod?.name == "org.varlink.service.MethodNotFound")

        let monitorWithoutMore = Fixture.error { _ = try client.call(RegistryMethod.monitor.name, [:]) }
        #expect(monitorWithoutMore?.name == "org.varlink.service.ExpectedMore")

        // The refused attempts are in the trail, and the card is unchanged.
        let entries = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        #expect(entries.contains { $0[.action]?.string == "unlock" && $0[.outcome]?.string == "refused" })
        #expect(try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?.string == "active")
    }

    @Test("Monitor streams committed changes to other clients")
    func monitor() throws {
        let rig = try DaemonRig()
        let watcher = try MonitorWatcher(rig, method: RegistryMethod.monitor.name)
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(3, client: client)
        _ = try client.call(RegistryMethod.reportLoss.name, .fields([.kind: "formal", .cardNumber: .string(number), .evidence: Fixture.idCard]))
        let event = try watcher.wait { $0[.action]?.string == "reportFormalLoss" }
        #expect(event[.card]?[.state]?.string == "formallyLost")
        #expect(event[.card]?[.cardNumber]?.string == number)
        #expect(event[.actor]?.string == "root")
    }

    @Test("GetInfo and GetInterfaceDescription serve the IDL files kept in the repository")
    func introspection() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let info = try client.call("org.varlink.service.GetInfo", [:])
        #expect(info["product"]?.string == "sscardd")
        let interfaces = info["interfaces"]?.array?.compactMap(\.string) ?? []
        #expect(SSCardInterface.allCases.allSatisfy { interfaces.contains($0.rawValue) })
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SSCardInterfaces/Interfaces")
        for name in SSCardInterface.allCases.map(\.rawValue) {
            let description = try client.call("org.varlink.service.GetInterfaceDescription", .fields([.interface: .string(name)]))
            let file = try String(contentsOf: sources.appendingPathComponent(name + ".varlink"), encoding: .utf8)
            #expect(description["description"]?.string.map { $0 + "\n" } == file)
        }
    }
}
