import Foundation
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

        let applied = try client.call("org.sscard.Registry.Apply", [
            "holder": ["ssn": .string(ssn), "name": "王小明", "phone": "13800000000"], "evidence": Fixture.idCard,
        ])
        #expect(applied["application"]?["stage"]?.string == "accepted")
        let id = try #require(applied["application"]?["applicationId"]?.int)
        #expect(Fixture.error { _ = try client.call("org.sscard.Registry.BindCard", [
            "applicationId": .int(id), "identity": ["cardNumber": .string(number), "cardId": .string(Fixture.cardId(1)),
                                                    "ssn": .string(ssn), "name": "王小明"]]) }?.name
            == "org.sscard.Registry.RuleViolated")
        for stage in ["reviewed", "ordered", "producing", "produced"] {
            let reply = try client.call("org.sscard.Registry.AdvanceApplication", ["applicationId": .int(id), "stage": .string(stage)])
            #expect(reply["application"]?["stage"]?.string == stage)
        }
        let bound = try client.call("org.sscard.Registry.BindCard", [
            "applicationId": .int(id), "evidence": Fixture.idCard,
            "identity": ["cardNumber": .string(number), "cardId": .string(Fixture.cardId(1)), "ssn": .string(ssn), "name": "王小明"],
        ])
        #expect(bound["card"]?["state"]?.string == "issued")
        #expect(bound["card"]?["name"]?.string == "王小明")

        let active = try client.call("org.sscard.Registry.Activate", ["cardNumber": .string(number), "evidence": Fixture.idCard])
        #expect(active["card"]?["state"]?.string == "active")

        let lost = try client.call("org.sscard.Registry.ReportLoss", [
            "kind": "temporary", "ssn": .string(ssn), "electronicCredentialContinues": true, "evidence": Fixture.idCard,
        ])
        #expect(lost["card"]?["state"]?.string == "temporarilyLost")
        #expect(lost["card"]?["previousState"]?.string == "active")
        #expect(lost["card"]?["electronicCredentialContinues"]?.bool == true)
        let expires = try #require(lost["card"]?["lossExpiresAt"]?.string)
        #expect(expires.hasSuffix("Z"))
        #expect(lost["reminder"]?["zh"]?.string?.contains("金融") == true)
        #expect(lost["reminder"]?["en"]?.string?.contains("financial") == true)
        let pending = try client.call("org.sscard.Registry.PendingReleases", [:])
        #expect(pending["releases"]?[0]?["cardNumber"]?.string == number)
        #expect(pending["releases"]?[0]?["lossExpiresAt"]?.string == expires)

        let released = try client.call("org.sscard.Registry.ReleaseLoss", ["cardNumber": .string(number), "evidence": Fixture.idCard])
        #expect(released["card"]?["state"]?.string == "active")
        #expect(released["card"]?["lossExpiresAt"] == nil)

        #expect(try client.call("org.sscard.Registry.Lock", ["cardNumber": .string(number), "evidence": Fixture.idCard])["card"]?["state"]?.string == "locked")
        #expect(try client.call("org.sscard.Registry.Unlock", ["cardNumber": .string(number), "evidence": Fixture.idCard])["card"]?["state"]?.string == "active")
        #expect(try client.call("org.sscard.Registry.Seal", ["cardNumber": .string(number), "reason": "holder abroad"])["card"]?["state"]?.string == "sealed")
        #expect(try client.call("org.sscard.Registry.Unseal", ["cardNumber": .string(number), "reason": "returned"])["card"]?["state"]?.string == "active")
        #expect(try client.call("org.sscard.Registry.ResetPassword", ["cardNumber": .string(number), "evidence": Fixture.idCard])["card"]?["state"]?.string == "active")

        let holder = try client.call("org.sscard.Registry.UpdateHolder", [
            "ssn": .string(ssn), "address": "太原市迎泽区", "evidence": Fixture.idCard,
        ])
        #expect(holder["holder"]?["address"]?.string == "太原市迎泽区")
        #expect(holder["holder"]?["phone"]?.string == "13800000000")

        let replacement = try client.call("org.sscard.Registry.Replace", [
            "cardNumber": .string(number), "replacementReason": "damaged", "evidence": Fixture.idCard,
        ])
        #expect(replacement["application"]?["kind"]?.string == "replacement")
        #expect(replacement["application"]?["feeFen"]?.int == 1800)
        #expect(replacement["application"]?["replaces"]?.string == number)

        let byHolder = try client.call("org.sscard.Registry.GetStatus", ["ssn": .string(ssn)])
        #expect(byHolder["holder"]?["name"]?.string == "王小明")
        #expect(byHolder["cards"]?.array?.count == 1)
        #expect(byHolder["applications"]?.array?.count == 2)

        let history = try client.call("org.sscard.Registry.History", ["cardNumber": .string(number)])
        let done = history["entries"]?.array?.filter { $0["outcome"]?.string == "done" } ?? []
        let actions = done.compactMap { $0["action"]?.string }
        #expect(Array(actions.prefix(10)) == ["bind", "activate", "reportTemporaryLoss", "releaseLoss", "lock", "unlock",
                                               "seal", "unseal", "resetPassword", "replace"])
        #expect(done.first?["actor"]?.string == "root")
        #expect(done.first?["servicePoint"]?.string == "test-140105")

        let cancelled = try client.call("org.sscard.Registry.Cancel", ["cardNumber": .string(number), "reason": "deceased"])
        #expect(cancelled["card"]?["state"]?.string == "cancelled")

        let audit = try client.call("org.sscard.Registry.VerifyAudit", [:])
        #expect(audit["intact"]?.bool == true)
        #expect((audit["entriesChecked"]?.int ?? 0) >= 15)

        let backup = rig.directory + "/backup.sqlite"
        #expect(try client.call("org.sscard.Registry.Backup", ["path": .string(backup)])["path"]?.string == backup)
        #expect(FileManager.default.fileExists(atPath: backup))
    }

    @Test("refusals name what is wrong: bad values, missing parameters, unknown cards, refused transitions")
    func refusals() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(2, client: client)

        let badNumber = Fixture.error { _ = try client.call("org.sscard.Registry.GetStatus", ["cardNumber": "X00000018"]) }
        #expect(badNumber?.name == "org.sscard.Registry.InvalidValue")
        #expect(badNumber?.parameters["parameter"]?.string == "cardNumber")
        #expect(badNumber?.parameters["reason"]?.string?.contains("check character") == true)

        let missing = Fixture.error { _ = try client.call("org.sscard.Registry.ReleaseLoss", [:]) }
        #expect(missing?.name == "org.varlink.service.InvalidParameter")
        #expect(missing?.parameters["parameter"]?.string == "cardNumber")

        let wrongType = Fixture.error { _ = try client.call("org.sscard.Registry.AdvanceApplication",
                                                            ["applicationId": "one", "stage": "reviewed"]) }
        #expect(wrongType?.parameters["parameter"]?.string == "applicationId")

        let badStage = Fixture.error { _ = try client.call("org.sscard.Registry.AdvanceApplication",
                                                           ["applicationId": 1, "stage": "shipped"]) }
        #expect(badStage?.name == "org.sscard.Registry.InvalidValue")

        let unknown = Fixture.error { _ = try client.call("org.sscard.Registry.GetStatus", ["cardNumber": .string(Fixture.cardNumber(99))]) }
        #expect(unknown?.name == "org.sscard.Registry.CardNotFound")
        #expect(unknown?.parameters["cardNumber"]?.string == Fixture.cardNumber(99))

        let refused = Fixture.error { _ = try client.call("org.sscard.Registry.Unlock", ["cardNumber": .string(number), "evidence": Fixture.idCard]) }
        #expect(refused?.name == "org.sscard.Registry.TransitionRefused")
        #expect(refused?.parameters["state"]?.string == "active")
        #expect(refused?.parameters["operation"]?.string == "unlock")

        let noEvidence = Fixture.error { _ = try client.call("org.sscard.Registry.Lock", ["cardNumber": .string(number)]) }
        #expect(noEvidence?.name == "org.sscard.Registry.RuleViolated")
        #expect(noEvidence?.parameters["rule"]?.string == "evidenceRequired")

        let unknownMethod = Fixture.error { _ = try client.call("org.sscard.Registry.Teleport", [:]) }
        #expect(unknownMethod?.name == "org.varlink.service.MethodNotFound")

        let monitorWithoutMore = Fixture.error { _ = try client.call("org.sscard.Registry.Monitor", [:]) }
        #expect(monitorWithoutMore?.name == "org.varlink.service.ExpectedMore")

        // The refused attempts are in the trail, and the card is unchanged.
        let entries = try client.call("org.sscard.Registry.History", ["cardNumber": .string(number)])["entries"]?.array ?? []
        #expect(entries.contains { $0["action"]?.string == "unlock" && $0["outcome"]?.string == "refused" })
        #expect(try client.call("org.sscard.Registry.GetStatus", ["cardNumber": .string(number)])["card"]?["state"]?.string == "active")
    }

    @Test("Monitor streams committed changes to other clients")
    func monitor() throws {
        let rig = try DaemonRig()
        let watcher = try MonitorWatcher(rig, method: "org.sscard.Registry.Monitor")
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(3, client: client)
        _ = try client.call("org.sscard.Registry.ReportLoss", ["kind": "formal", "cardNumber": .string(number), "evidence": Fixture.idCard])
        let event = try watcher.wait { $0["action"]?.string == "reportFormalLoss" }
        #expect(event["card"]?["state"]?.string == "formallyLost")
        #expect(event["card"]?["cardNumber"]?.string == number)
        #expect(event["actor"]?.string == "root")
    }

    @Test("GetInfo and GetInterfaceDescription serve the IDL files kept in the repository")
    func introspection() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let info = try client.call("org.varlink.service.GetInfo", [:])
        #expect(info["product"]?.string == "sscardd")
        let interfaces = info["interfaces"]?.array?.compactMap(\.string) ?? []
        #expect(interfaces.contains("org.sscard.Registry") && interfaces.contains("org.sscard.Reader"))
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SSCardProtocol/Interfaces")
        for name in ["org.sscard.Registry", "org.sscard.Reader"] {
            let description = try client.call("org.varlink.service.GetInterfaceDescription", ["interface": .string(name)])
            let file = try String(contentsOf: sources.appendingPathComponent(name + ".varlink"), encoding: .utf8)
            #expect(description["description"]?.string.map { $0 + "\n" } == file)
        }
    }
}
