import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Kiosks bound to their readers (`kiosk-readers.NAME` in sscardd.conf): a
/// kiosk peer, a real other uid through setpriv, sees and uses only its own
/// readers and is shown holders masked. The counter's card sits in reader 0,
/// the kiosk's in reader 1.
@Suite("sscardd: kiosks and their readers", .serialized)
struct KioskReadersTests {
    let uid = DaemonRig.otherUid
    let kiosk = [DaemonRig.kioskGid]

    func rig() throws -> DaemonRig {
        try DaemonRig(extra: "kiosk-readers.\(DaemonRig.otherUid) = \(PCSCRig.reader1)")
    }

    /// Runs `sscardctl --json call` as the kiosk.
    func call(_ rig: DaemonRig, _ method: String, _ parameters: String = "{}") throws -> (code: Int32, output: String) {
        try rig.sscardctl(["--json", "call", method, parameters], uid: uid, groups: kiosk)
    }

    @Test("a kiosk peer cannot see or use a reader not bound to it; its refusals are audited, the first in full")
    func kioskSeesOnlyItsReaders() throws {
        let rig = try rig()
        let client = try Fixture.client(rig)
        let counterCard = try Fixture.issue(40, name: "钱七", client: client)
        _ = try Fixture.issue(41, name: "孙八", client: client)
        let counter = try Fixture.insert(40, name: "钱七", slot: 0, rig: rig)
        defer { Fixture.remove(counter, slot: 0, rig: rig) }
        let own = try Fixture.insert(41, name: "孙八", slot: 1, rig: rig)
        defer { Fixture.remove(own, slot: 1, rig: rig) }

        let list = try call(rig, "org.sscard.Reader.ListReaders")
        #expect(list.code == 0 && list.output.contains(PCSCRig.reader1) && !list.output.contains(PCSCRig.reader0), "\(list)")

        let reader0 = "{\"reader\":\"\(PCSCRig.reader0)\"}"
        for method in ["org.sscard.Reader.ReadCard", "org.sscard.Registry.GetStatus", "org.sscard.Registry.Activate"] {
            let denied = try call(rig, method, reader0)
            #expect(denied.code == 4 && denied.output.contains("PermissionDenied"), "\(method): \(denied)")
        }
        let verify = try call(rig, "org.sscard.Reader.VerifyPin", "{\"reader\":\"\(PCSCRig.reader0)\",\"pin\":\"975318\"}")
        #expect(verify.code == 4, "\(verify)")
        let change = try call(rig, "org.sscard.Reader.ChangePin",
                              "{\"reader\":\"\(PCSCRig.reader0)\",\"oldPin\":\"975318\",\"newPin\":\"864213\"}")
        #expect(change.code == 4, "\(change)")
        let changePassword = try call(rig, "org.sscard.Registry.ChangePassword",
                                      "{\"reader\":\"\(PCSCRig.reader0)\",\"oldPin\":\"975318\",\"newPin\":\"864213\"}")
        #expect(changePassword.code == 4, "\(changePassword)")
        let loss = try call(rig, "org.sscard.Registry.ReportLoss", "{\"kind\":\"temporary\",\"reader\":\"\(PCSCRig.reader0)\"}")
        #expect(loss.code == 4, "\(loss)")
        // The counter's card is untouched: no try spent, still active.
        #expect(try ChipProbe.triesLeft(reader: PCSCRig.reader0) == 3)
        #expect(try client.call("org.sscard.Registry.GetStatus", ["cardNumber": .string(counterCard)])["card"]?["state"]?.string
            == "active")

        // Without a reader named, the kiosk's one reader is used.
        let own41 = try call(rig, "org.sscard.Reader.ReadCard")
        #expect(own41.code == 0 && own41.output.contains(PCSCRig.reader1), "\(own41)")

        // The first refusal is in the audit trail as it was, with the kiosk's
        // role and the reader it named; the rest of the minute are counted into
        // one summary, written at the latest when sscardd stops.
        let refusals = try Self.audit(rig, "SELECT action FROM audit WHERE outcome = 'refused' AND role = 'kiosk' "
            + "AND reason LIKE '%not bound to this kiosk%' ORDER BY seq")
        #expect(refusals == ["readCard"], "\(refusals)")
        client.close()
        #expect(rig.stop() == 0)
        let summary = try Self.audit(rig, "SELECT reason FROM audit WHERE action = 'refusedCalls' AND role = 'kiosk'")
        #expect(summary.count == 1 && summary[0].hasPrefix("6 more call(s) refused to a peer with role kiosk"), "\(summary)")
        for method in ["GetStatus", "Activate", "VerifyPin", "ChangePin", "ChangePassword", "ReportLoss"] {
            #expect(summary.first?.contains(method) == true, "\(method): \(summary)")
        }
    }

    @Test("the kiosk's Monitor shows only its readers, with the holder masked")
    func kioskMonitorIsScopedAndMasked() throws {
        let rig = try rig()
        let counter = try Fixture.insert(42, name: "钱七", slot: 0, rig: rig)
        defer { Fixture.remove(counter, slot: 0, rig: rig) }
        let own = try Fixture.insert(43, name: "孙八", slot: 1, rig: rig)
        defer { Fixture.remove(own, slot: 1, rig: rig) }

        let monitor = try ChildProcess(
            name: "kiosk-monitor", executable: "/usr/bin/setpriv",
            arguments: ["--reuid=\(uid)", "--regid=\(DaemonRig.kioskGid)",
                        "--groups=\(DaemonRig.kioskGid),\(DaemonRig.socketGid)", "--",
                        PCSCRig.productsDirectory + "/sscardctl", "--socket", rig.socketPath, "--json", "monitor", "--readers"],
            logPath: rig.directory + "/kiosk-monitor.log")
        // SIGKILL: sscardctl may inherit a blocked SIGTERM from the test process.
        defer { monitor.terminate(signal: SIGKILL) }
        // The snapshot lists readers, then the cards present in reader-name
        // order: reader 0's card, were it shown, comes before reader 1's.
        try monitor.waitForLine(containing: "cardInserted")
        let lines = monitor.output.joined(separator: "\n")
        #expect(lines.contains(PCSCRig.reader1))
        #expect(!lines.contains(PCSCRig.reader0), "\(lines)")
        #expect(!lines.contains(Fixture.cardNumber(43)) && !lines.contains("孙八") && !lines.contains(Fixture.ssn(43)), "\(lines)")
        #expect(lines.contains("孙*") && lines.contains(String(Fixture.cardNumber(43).prefix(2)) + "*****"), "\(lines)")
    }

    @Test("a kiosk reports a temporary loss by naming its reader; the reply is masked")
    func kioskReportsLossByReader() throws {
        let rig = try rig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(44, name: "孙八", client: client)
        let own = try Fixture.insert(44, name: "孙八", slot: 1, rig: rig)
        defer { Fixture.remove(own, slot: 1, rig: rig) }

        let loss = try call(rig, "org.sscard.Registry.ReportLoss", "{\"kind\":\"temporary\",\"reader\":\"\(PCSCRig.reader1)\"}")
        #expect(loss.code == 0 && loss.output.contains("temporarilyLost"), "\(loss)")
        #expect(!loss.output.contains(number) && !loss.output.contains("孙八") && !loss.output.contains(Fixture.ssn(44)), "\(loss)")
        #expect(try client.call("org.sscard.Registry.GetStatus", ["cardNumber": .string(number)])["card"]?["state"]?.string
            == "temporarilyLost")
        let formal = try call(rig, "org.sscard.Registry.ReportLoss", "{\"kind\":\"formal\",\"reader\":\"\(PCSCRig.reader1)\"}")
        #expect(formal.code == 4)
    }

    /// Rows from the daemon's registry, read with the sqlite3 program.
    static func audit(_ rig: DaemonRig, _ query: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-readonly", rig.stateDirectory + "/registry.sqlite", query]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
