import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// What a caller types reaches the audit trail only checked, cut or escaped,
/// and a kiosk cannot use the registry to learn who is registered.
@Suite("sscardd: caller text, kiosk look-ups and the state directory", .serialized)
struct CallerTextTests {
    let uid = DaemonRig.otherUid
    let kiosk = [DaemonRig.kioskGid]

    func kioskRig() throws -> DaemonRig {
        try DaemonRig(extra: "kiosk-readers.\(DaemonRig.otherUid) = \(PCSCRig.reader1)")
    }

    func call(_ rig: DaemonRig, _ method: String, _ parameters: String) throws -> (code: Int32, output: String) {
        try rig.sscardctl(["--json", "call", method, parameters], uid: uid, groups: kiosk)
    }

    @Test("a kiosk naming a 64 KiB reader with escape sequences: one short, escaped audit entry per minute")
    func longReaderNameIsCutAndEscaped() throws {
        let rig = try kioskRig()
        let name = "\\u001b]0;owned\\u0007" + String(repeating: "R", count: 64 * 1024 - 100)
        for _ in 0..<20 {
            let denied = try call(rig, "org.sscard.Reader.ReadCard", "{\"reader\":\"\(name)\"}")
            #expect(denied.code == 4 && denied.output.contains("PermissionDenied"), "\(denied.output.prefix(300))")
        }
        #expect(rig.stop() == 0)
        let rows = try KioskReadersTests.audit(rig, "SELECT length(reason) || '|' || reason FROM audit WHERE role = 'kiosk' ORDER BY seq")
        #expect(rows.count == 2, "the first refusal and one summary: \(rows.map { $0.prefix(120) })")
        let first = rows.first ?? ""
        #expect(first.contains("\\u{1B}]0;owned\\u{7}") && !first.contains("\u{1B}"), "\(first.prefix(200))")
        let length = Int(first.split(separator: "|").first ?? "") ?? .max
        #expect(length < 200, "the reason is cut: \(length) characters")
        #expect(first.contains("more characters)"))
    }

    @Test("a kiosk denied an administrator's method in a loop: one journal line and one entry, the rest one summary")
    func deniedInALoopReachesTheJournalOnce() throws {
        let rig = try DaemonRig()
        for _ in 0..<20 {
            let denied = try call(rig, RegistryMethod.verifyAudit.name, "{}")
            #expect(denied.code == 4 && denied.output.contains("PermissionDenied"), "\(denied.output.prefix(300))")
        }
        let daemon = try #require(rig.daemon)
        #expect(rig.stop() == 0)
        let lines = try daemon.completeOutput().filter { $0.contains("denied \(RegistryMethod.verifyAudit.name)") }
        #expect(lines.count == 1, "\(lines)")
        let rows = try KioskReadersTests.audit(rig, "SELECT action FROM audit WHERE role = 'kiosk' AND outcome = 'refused' ORDER BY seq")
        #expect(rows.count == 2 && rows.last == "refusedCalls", "the first refusal and one summary: \(rows)")
    }

    @Test("a reason with a control character or beyond the limit is refused naming it, and nothing changes")
    func reasonsAreCheckedAtTheDoor() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(61, client: client)
        let before = try KioskReadersTests.audit(rig, "SELECT count(*) FROM audit")
        for (reason, why) in [("lost\u{1B}[2J", "invalid character at position 5"), ("\u{202E}txt.exe", "invalid character at position 1"),
                              (String(repeating: "长", count: 501), "at most 500 characters"), ("   ", "reason")] {
            let refused = Fixture.error {
                _ = try client.call(RegistryMethod.lock.name, .fields([.cardNumber: .string(number), .reason: .string(reason),
                                                                     .evidence: Fixture.idCard]))
            }
            #expect(refused?.name == RegistryErrorName.invalidValue.name, "\(why)")
            #expect(refused?.parameters[.parameter]?.string == "reason")
            #expect(refused?.parameters[.reason]?.string?.contains(why) == true, "\(refused?.parameters ?? [:])")
        }
        #expect(try KioskReadersTests.audit(rig, "SELECT count(*) FROM audit") == before, "nothing recorded, nothing changed")
        #expect(try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?.string
            == "active")
        // Five hundred characters, Chinese and an ordinary newline-free sentence, pass.
        let locked = try client.call(RegistryMethod.lock.name, .fields([
            .cardNumber: .string(number), .reason: .string(String(repeating: "长", count: 500)), .evidence: Fixture.idCard]))
        #expect(locked[.card]?[.state]?.string == "locked")
        // So do a holder's address and phone only when printable.
        let address = Fixture.error {
            _ = try client.call(RegistryMethod.updateHolder.name, .fields([
                .ssn: .string(Fixture.ssn(61)), .address: "Road 1\u{0}", .evidence: Fixture.idCard]))
        }
        #expect(address?.parameters[.parameter]?.string == "address", "\(address?.parameters ?? [:])")
    }

    @Test("a kiosk reporting a loss without the card gets one answer for unknown, wrong and mismatched holders")
    func kioskLossIsNoLookupOracle() throws {
        let rig = try kioskRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(62, name: "周九", client: client)
        let unknownCard = Fixture.cardNumber(990)
        let attempts = [
            "{\"kind\":\"temporary\",\"ssn\":\"\(Fixture.ssn(990))\",\"name\":\"周九\"}",           // no such holder
            "{\"kind\":\"temporary\",\"cardNumber\":\"\(unknownCard)\",\"name\":\"周九\"}",          // no such card
            "{\"kind\":\"temporary\",\"ssn\":\"\(Fixture.ssn(62))\",\"name\":\"吴十\"}",            // wrong name
            "{\"kind\":\"temporary\",\"cardNumber\":\"\(number)\",\"name\":\"吴十\"}",              // wrong name by card
            "{\"kind\":\"temporary\",\"cardNumber\":\"\(number)\",\"ssn\":\"\(Fixture.ssn(63))\",\"name\":\"周九\"}",
        ]
        var answers: Set<String> = []
        for attempt in attempts {
            let refused = try call(rig, "org.sscard.Registry.ReportLoss", attempt)
            #expect(refused.code != 0, "\(attempt)")
            answers.insert(refused.output.replacingOccurrences(of: "\n", with: " "))
        }
        #expect(answers.count == 1, "one answer for all: \(answers)")
        #expect(answers.first?.contains("IdentityMismatch") == true, "\(answers)")
        #expect(try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]?[.state]?.string
            == "active")
        // The right number and name: the loss is reported.
        let loss = try call(rig, "org.sscard.Registry.ReportLoss",
                            "{\"kind\":\"temporary\",\"ssn\":\"\(Fixture.ssn(62))\",\"name\":\"周九\"}")
        #expect(loss.code == 0 && loss.output.contains("temporarilyLost"), "\(loss)")
        client.close()
        #expect(rig.stop() == 0)
        // On record: the first attempt and a summary of the other four.
        let rows = try KioskReadersTests.audit(rig, "SELECT action || '|' || reason FROM audit WHERE role = 'kiosk' "
            + "AND outcome = 'refused' ORDER BY seq")
        #expect(rows.count == 2 && rows[0] == "reportTemporaryLoss|holder name or number does not match"
            && rows[1].hasPrefix("refusedCalls|4 more call(s) refused to a peer with role kiosk"), "\(rows)")
    }

    @Test("a backup is never written beside sscardd's own files; a subdirectory of the state directory is fine")
    func backupsStayOutOfTheStateDirectoryTopLevel() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        try Fixture.issue(64, client: client)
        let head = rig.stateDirectory + "/audit-head"
        try Data("head".utf8).write(to: URL(fileURLWithPath: head))
        for target in [head, rig.stateDirectory + "/copy.sqlite"] {
            let refused = Fixture.error {
                _ = try client.call(RegistryMethod.backup.name, .fields([.path: .string(target), .overwrite: true]))
            }
            #expect(refused?.name == RegistryErrorName.invalidValue.name, "\(target)")
            #expect(refused?.parameters[.reason]?.string?.contains("state directory") == true, "\(refused?.parameters ?? [:])")
        }
        #expect(try String(contentsOfFile: head, encoding: .utf8) == "head", "audit-head untouched")
        try FileManager.default.createDirectory(atPath: rig.stateDirectory + "/backups", withIntermediateDirectories: true)
        let kept = rig.stateDirectory + "/backups/copy.sqlite"
        #expect(try client.call(RegistryMethod.backup.name, .fields([.path: .string(kept)]))[.path]?.string == kept)
    }
}
