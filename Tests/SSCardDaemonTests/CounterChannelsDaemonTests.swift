import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Issue 17's counter services against sscardd as a process: the remote
/// channel's role from real group membership, instant issue end to end with
/// the private pcscd and a virtual card, and the region's PIN channels from
/// sscardd.conf deciding before the chip is touched.
@Suite("sscardd: counter channels (remote channel, instant issue, regional policy)", .serialized)
struct CounterChannelsDaemonTests {
    let uid = DaemonRig.otherUid
    let remote = [DaemonRig.remoteGid], operatorGroups = [DaemonRig.operatorGid], kiosk = [DaemonRig.kioskGid]

    @Test("a 12333 / app integration reports a temporary loss and reads status by ssn and name, and nothing more")
    func remoteChannel() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(60, name: "吴六", client: client)
        let ssn = Fixture.ssn(60)

        let status = try rig.sscardctl(["--json", "status", "--ssn", ssn, "--name", "吴六"], uid: uid, groups: remote)
        #expect(status.code == 0, "\(status.output)")
        #expect(status.output.contains("\"state\":\"active\"") && status.output.contains("\"stage\":\"delivered\""))
        #expect(!status.output.contains("phone"))
        let wrongName = try rig.sscardctl(["status", "--ssn", ssn, "--name", "吴七"], uid: uid, groups: remote)
        #expect(wrongName.code == 1 && wrongName.output.contains("IdentityMismatch"), "\(wrongName.output)")

        // (arguments, exit code): 4 where the role is refused, 1 where a rule refuses.
        let refused: [([String], Int32)] = [
            (["status", "--card", number], 4),
            (["status", "--ssn", ssn], 2),                                   // InvalidParameter: no name
            (["loss", "formal", "--ssn", ssn, "--name", "吴六"], 4),
            (["loss", "temporary", "--card", number, "--name", "吴六"], 4),
            (["loss", "temporary", "--ssn", ssn, "--name", "吴七"], 1),
            (["status", "--ssn", Fixture.ssn(69), "--name", "吴六"], 1),     // unknown: the same IdentityMismatch
            (["release", "--card", number, "--document", "idCard"], 4),
            (["reset-password", "--card", number, "--document", "idCard,socialSecurityCard"], 4),
            (["cancel", "--card", number, "--reason", "x"], 4),
            (["read"], 4),
        ]
        for (arguments, code) in refused {
            let result = try rig.sscardctl(arguments, uid: uid, groups: remote)
            #expect(result.code == code, "\(arguments): \(result.output)")
        }
        let loss = try rig.sscardctl(["--json", "loss", "temporary", "--ssn", ssn, "--name", "吴六"], uid: uid, groups: remote)
        #expect(loss.code == 0 && loss.output.contains("temporarilyLost"), "\(loss.output)")

        // The trail records channel and role `remote`, the done loss and every refusal.
        let trail = try client.call(RegistryMethod.history.name, .fields([.ssn: .string(ssn)]))[.entries]?.array ?? []
        let done = trail.last { $0[.action]?.string == "reportTemporaryLoss" && $0[.outcome]?.string == "done" }
        #expect(done?[.channel]?.string == "remote" && done?[.role]?.string == "remote")
        // The first refusal is on record as it was; the other nine of the
        // minute (IdentityMismatch and PermissionDenied alike) are one summary.
        #expect(trail.filter { $0[.outcome]?.string == "refused" && $0[.reason]?.string == "holder name does not match" }
            .count == 1, "\(trail)")
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)
        client.close()
        #expect(rig.stop() == 0)
        let summary = try KioskReadersTests.audit(rig, "SELECT channel || '|' || reason FROM audit WHERE action = 'refusedCalls'")
        #expect(summary.count == 1 && summary[0].hasPrefix("remote|9 more call(s) refused to a peer with role remote"),
                "\(summary)")
        for method in ["GetStatus", "ReportLoss", "ReleaseLoss", "ResetPassword", "Cancel", "ReadCard"] {
            #expect(summary.first?.contains(method) == true, "\(method): \(summary)")
        }
    }

    @Test("issue-instantly: accept, record production, bind by reading the chip, activate at hand-over, each step audited")
    func instantIssue() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let card = try Fixture.insert(61, name: "郑七", rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let result = try rig.sscardctl(["issue-instantly", "--ssn", Fixture.ssn(61), "--name", "郑七",
                                        "--document", "idCard", "--reader", PCSCRig.reader0],
                                       uid: uid, groups: operatorGroups)
        #expect(result.code == 0, "\(result.output)")
        let status = try client.call(RegistryMethod.getStatus.name, .fields([.ssn: .string(Fixture.ssn(61))]))
        let issued = status[.cards]?[0]
        #expect(issued?[.cardNumber]?.string == Fixture.cardNumber(61))   // from the chip
        #expect(issued?[.cardId]?.string == Fixture.cardId(61))
        #expect(issued?[.state]?.string == "active")
        let application = status[.applications]?[0]
        #expect(application?[.channel]?.string == "instant" && application?[.stage]?.string == "delivered")
        #expect(application?[.delivery]?[.kind]?.string == "collect")

        let trail = try client.call(RegistryMethod.history.name, .fields([.ssn: .string(Fixture.ssn(61))]))[.entries]?.array ?? []
        #expect(trail.compactMap { $0[.action]?.string } == ["apply", "produceInstantly", "bind", "activate"])
        #expect(trail.allSatisfy { $0[.role]?.string == "operator" && $0[.channel]?.string == "counter"
                && $0[.actor]?.string == "uid:\(uid)" && $0[.outcome]?.string == "done" })

        // Again for the same holder: the first step is refused, nothing else is tried.
        let again = try rig.sscardctl(["issue-instantly", "--ssn", Fixture.ssn(61), "--name", "郑七",
                                       "--document", "idCard", "--reader", PCSCRig.reader0],
                                      uid: uid, groups: operatorGroups)
        #expect(again.code == 1 && again.output.contains("holderAlreadyHasCard"), "\(again.output)")
        let after = try client.call(RegistryMethod.history.name, .fields([.ssn: .string(Fixture.ssn(61))]))[.entries]?.array ?? []
        #expect(after.count == trail.count + 1 && after.last?[.outcome]?.string == "refused")
    }

    @Test("pin-change-channels = counter: a kiosk's PIN change is refused before the chip is touched")
    func counterOnlyPINChange() throws {
        let rig = try DaemonRig(extra: "pin-change-channels = counter")
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(62, client: client)
        let card = try Fixture.insert(62, rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let change = try rig.sscardctl(["change-password", "--reader", PCSCRig.reader0], uid: uid, groups: kiosk,
                                       stdin: "123456\n654321\n")
        #expect(change.code == 1 && change.output.contains("channelNotOffered"), "\(change.output)")
        // The chip still has the old PIN.
        #expect(try client.call(ReaderMethod.verifyPin.name, .fields([.pin: "123456"]))[.result]?.string == "verified")
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        // One refused change through the kiosk channel, and never an authorised one.
        let changes = trail.filter { $0[.action]?.string == "changePassword" }
        #expect(changes.compactMap { $0[.outcome]?.string } == ["refused"], "\(changes)")
        #expect(changes.first?[.channel]?.string == "kiosk"
                && changes.first?[.reason]?.string?.hasPrefix("channelNotOffered") == true)
    }

    /// (evidence sent, the parameter InvalidValue names): bad evidence says what and where, and nothing is applied.
    static let badEvidence: [(JSONValue, String)] = [
        (.fields([.documents: [.fields([.kind: "idCard"]), .fields([.kind: "passport", .numberTail: "12345"])]]),
         "evidence.documents[1].numberTail"),
        (.fields([.documents: [.fields([.kind: "idCard"]), .fields([.kind: "idCard"])]]), "evidence.documents[1].kind"),
        (.fields([.documents: [.fields([.kind: "idCard"]), .fields([.kind: "visa"])]]), "evidence.documents[1].kind"),
        (.fields([.document: "idCard", .documents: [.fields([.kind: "idCard"])]]), "evidence.documents"),
        (.fields([.document: "idCard", .proxyDocument: "idCard"]), "evidence.proxyDocument"),
        (.fields([.document: "idCard", .authorisationLetter: true]), "evidence.authorisationLetter"),
    ]

    @Test("bad evidence is InvalidValue naming its path, and the card is untouched", arguments: badEvidence.indices)
    func badEvidenceIsNamed(_ index: Int) throws {
        let (evidence, parameter) = Self.badEvidence[index]
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(63, client: client)
        let error = Fixture.error { _ = try client.call(RegistryMethod.lock.name, .fields([
            .cardNumber: .string(number), .evidence: evidence])) }
        #expect(error?.name == RegistryErrorName.invalidValue.name)
        #expect(error?.parameters[.parameter]?.string == parameter, "\(String(describing: error))")
        #expect(try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?
            .string == "active")
    }
}
