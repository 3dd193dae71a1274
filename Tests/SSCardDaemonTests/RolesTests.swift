import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Role enforcement with really different credentials: sscardctl runs under
/// setpriv as another uid with kiosk, operator, admin or no sscard group.
@Suite("sscardd: roles from the caller's credentials", .serialized)
struct RolesTests {
    let kioskGroups = [DaemonRig.kioskGid], operatorGroups = [DaemonRig.operatorGid], admin = [DaemonRig.adminGid]
    let uid = DaemonRig.otherUid

    @Test("a kiosk reads its inserted card's status and reports a temporary loss with the holder's name, nothing more")
    func kioskRole() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(20, name: "周八", client: client)
        let card = try Fixture.insert(20, name: "周八", rig: rig)
        defer { Fixture.remove(card, rig: rig) }

        let byReader = try rig.sscardctl(["--json", "status", "--reader", PCSCRig.reader0], uid: uid, groups: kioskGroups)
        #expect(byReader.code == 0)
        #expect(byReader.output.contains("\"state\":\"active\""))

        let byNumber = try rig.sscardctl(["status", "--card", number], uid: uid, groups: kioskGroups)
        #expect(byNumber.code == 4)
        #expect(byNumber.output.contains("PermissionDenied"))

        let wrongName = try rig.sscardctl(["loss", "temporary", "--card", number, "--name", "周九"], uid: uid, groups: kioskGroups)
        #expect(wrongName.code == 1)
        #expect(wrongName.output.contains("IdentityMismatch"))
        let formal = try rig.sscardctl(["loss", "formal", "--card", number, "--name", "周八"], uid: uid, groups: kioskGroups)
        #expect(formal.code == 4)
        let temporary = try rig.sscardctl(["--json", "loss", "temporary", "--card", number, "--name", "周八"], uid: uid, groups: kioskGroups)
        #expect(temporary.code == 0)
        #expect(temporary.output.contains("temporarilyLost"))

        // Each case asserts the exit code it means: 4 where sscardd refused the
        // role, 2 where sscardctl refused the words before any call.
        for (arguments, code) in [(["seal", "--card", number, "--reason", "x"], 4), (["history", "--card", number], 4),
                                  (["readers", "--bogus", "1"], 2)] {
            let result = try rig.sscardctl(arguments, uid: uid, groups: kioskGroups)
            #expect(result.code == Int32(code), "\(arguments): \(result.output)")
        }
        // The audit trail names the kiosk's uid, its role and channel, and records the denied calls.
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let loss = trail.last { $0[.action]?.string == "reportTemporaryLoss" && $0[.outcome]?.string == "done" }
        #expect(loss?[.actor]?.string == "uid:\(uid)")
        #expect(loss?[.role]?.string == "kiosk")
        #expect(loss?[.channel]?.string == "kiosk")
        // The kiosk's first refusal in full; the other four of its minute
        // (a wrong name, a formal loss, seal, history) counted into one summary.
        #expect(trail.contains { $0[.action]?.string == "getStatus" && $0[.outcome]?.string == "refused"
                && $0[.role]?.string == "kiosk" && $0[.reason]?.string?.contains("inserted in its reader") == true })
        #expect(!trail.contains { $0[.action]?.string == "seal" && $0[.outcome]?.string == "refused" })
        client.close()
        #expect(rig.stop() == 0)
        let summary = try KioskReadersTests.audit(rig, "SELECT actor || '|' || reason FROM audit WHERE action = 'refusedCalls'")
        #expect(summary.count == 1 && summary[0].hasPrefix("uid:\(uid)|4 more call(s) refused to a peer with role kiosk"),
                "\(summary)")
        #expect(summary.first?.contains("History, ReportLoss, Seal") == true, "\(summary)")
    }

    @Test("an operator serves holders but cannot seal or cancel; an admin can; no group, no access")
    func operatorAndAdmin() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(21, client: client)

        let reset = try rig.sscardctl(["reset-password", "--card", number, "--document", "idCard,socialSecurityCard"], uid: uid, groups: operatorGroups)
        #expect(reset.code == 0)
        let seal = try rig.sscardctl(["seal", "--card", number, "--reason", "abroad"], uid: uid, groups: operatorGroups)
        #expect(seal.code == 4)
        let adminSeal = try rig.sscardctl(["seal", "--card", number, "--reason", "abroad"], uid: uid, groups: admin)
        #expect(adminSeal.code == 0)
        let nobody = try rig.sscardctl(["status", "--card", number], uid: uid, groups: [])
        #expect(nobody.code == 4)

        // Every denial is in the audit trail with the caller's uid and role.
        let trail = try client.call(RegistryMethod.history.name, .fields([.cardNumber: .string(number)]))[.entries]?.array ?? []
        let denied = trail.filter { $0[.action]?.string == "seal" && $0[.outcome]?.string == "refused" }
        #expect(denied.count == 1)
        #expect(denied.first?[.actor]?.string == "uid:\(uid)")
        #expect(denied.first?[.role]?.string == "operator")
        #expect(trail.contains { $0[.action]?.string == "getStatus" && $0[.role]?.string == "none" })
        let verify = try client.call(RegistryMethod.verifyAudit.name, [:])
        #expect(verify[.intact]?.bool == true)
        let recent = try client.call(RegistryMethod.history.name, .fields([.ssn: .string(Fixture.ssn(21))]))
        #expect(recent[.entries]?.array?.contains { $0[.action]?.string == "resetPassword" && $0[.role]?.string == "operator" } == true)
    }

    @Test("the socket file is mode 0660 and belongs to the configured group")
    func socketPermissions() throws {
        let rig = try DaemonRig()
        var info = stat()
        #expect(stat(rig.socketPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_gid == DaemonRig.socketGid)
        // A uid outside the socket's group cannot even connect.
        let outsider = try rig.sscardctl(["info"], uid: uid + 1, groups: [DaemonRig.adminGid], socketAccess: false)
        #expect(outsider.code == 3)
        let insider = try rig.sscardctl(["info"], uid: uid + 1, groups: [DaemonRig.adminGid])
        #expect(insider.code == 0)
    }
}
