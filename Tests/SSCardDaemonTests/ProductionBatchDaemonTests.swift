import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Production batch import against sscardd as a process, through
/// `sscardctl import-batch` and the varlink session methods: the file goes in
/// small pieces, the batch applies all or nothing, a re-sent batch changes
/// nothing, other content under its id is refused, and a bad file is named
/// by line and column without its values reaching the daemon's log.
@Suite("sscardd: production batch import", .serialized)
struct ProductionBatchDaemonTests {
    static let header = "batch_id,application_id,ssn,card_number,card_id,spec_version,issue_date,expiry_date"

    /// Applications for holders `ns`, each advanced to producing; their ids.
    static func producing(_ ns: [Int], client: VarlinkClient) throws -> [Int64] {
        try ns.map { n in
            let reply = try client.call(RegistryMethod.apply.name, .fields([
                .holder: .fields([.ssn: .string(Fixture.ssn(n)), .name: "钱八"]), .evidence: Fixture.idCard,
            ]))
            let id = reply[.application]?[.applicationId]?.int ?? -1
            for stage in ["reviewed", "ordered", "producing"] {
                _ = try client.call(RegistryMethod.advanceApplication.name, .fields([.applicationId: .int(id), .stage: .string(stage)]))
            }
            return id
        }
    }

    static func write(_ text: String, _ rig: DaemonRig, _ name: String) throws -> String {
        let path = rig.directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func stage(_ id: Int64, client: VarlinkClient, ssn: String) throws -> String? {
        let status = try client.call(RegistryMethod.getStatus.name, .fields([.ssn: .string(ssn)]))
        return status[.applications]?.array?.first { $0[.applicationId]?.int == id }?[.stage]?.string
    }

    @Test("import-batch: sent in pieces, applied whole; again a no-op; other content refused; a bad row imports nothing")
    func importBatch() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let ids = try Self.producing([80, 81, 82, 83], client: client)
        func row(_ batch: String, _ index: Int, byId: Bool = true, expiry: String = "2036-12-07") -> String {
            let n = 80 + index
            return [batch, byId ? String(ids[index]) : "", byId ? "" : Fixture.ssn(n), Fixture.cardNumber(n), Fixture.cardId(n),
                    "3.00", "2026-12-07", expiry].joined(separator: ",")
        }
        // A bad row at the end: nothing of the batch is imported, and the problem names line and column.
        var badCard = Fixture.cardNumber(83)
        badCard = String(badCard.dropLast()) + (badCard.hasSuffix("0") ? "1" : "0")
        let bad = try Self.write([Self.header, row("B-1", 0), row("B-1", 1, byId: false), row("B-1", 2),
                                  row("B-1", 3).replacingOccurrences(of: Fixture.cardNumber(83), with: badCard)]
                                     .joined(separator: "\r\n"), rig, "bad.csv")
        let refused = try rig.sscardctl(["import-batch", bad, "--chunk-bytes", "256"])
        #expect(refused.code == 1, "\(refused.output)")
        #expect(refused.output.contains("line 5, card_number"), "\(refused.output)")
        #expect(!refused.output.contains(badCard))
        #expect(try Self.stage(ids[0], client: client, ssn: Fixture.ssn(80)) == "producing")

        // The good batch, in 256-byte pieces (many AddBatchText calls): applied whole.
        let goodText = [Self.header, row("B-1", 0), row("B-1", 1, byId: false), row("B-1", 2), row("B-1", 3)].joined(separator: "\n")
        let good = try Self.write(goodText, rig, "good.csv")
        let imported = try rig.sscardctl(["import-batch", good, "--chunk-bytes", "256"])
        #expect(imported.code == 0, "\(imported.output)")
        #expect(imported.output.contains("batch B-1 imported: 4 rows"), "\(imported.output)")
        #expect(imported.output.contains("sent \(goodText.utf8.count) of \(goodText.utf8.count) bytes"))  // not a tty: lines
        for (index, id) in ids.enumerated() {
            #expect(try Self.stage(id, client: client, ssn: Fixture.ssn(80 + index)) == "produced")
        }
        let history = try client.call(RegistryMethod.history.name, .fields([.ssn: .string(Fixture.ssn(81))]))[.entries]?.array ?? []
        // The batch's one entry, shown for this holder's application (row 2 names them by number).
        #expect(history.contains { $0[.action]?.string == "importBatch" && $0[.outcome]?.string == "done"
            && $0[.applicationId]?.int == ids[1] && $0[.detail]?.string?.hasPrefix("batch=B-1;digest=") == true })

        // Again: a no-op that says so. Other content under the same id: refused, naming the batch.
        let again = try rig.sscardctl(["--json", "import-batch", good])
        #expect(again.code == 0 && again.output.contains("\"alreadyImported\":true"), "\(again.output)")
        let changed = try Self.write(goodText.replacingOccurrences(of: "2036-12-07", with: "2036-12-08"), rig, "changed.csv")
        let conflict = try rig.sscardctl(["import-batch", changed])
        #expect(conflict.code == 1 && conflict.output.contains("BatchConflict") && conflict.output.contains("batchId=B-1"),
                "\(conflict.output)")

        // Binding takes the batch's chip only.
        let wrongChip = Fixture.error {
            _ = try client.call(RegistryMethod.bindCard.name, .fields([
                .applicationId: .int(ids[0]), .evidence: Fixture.idCard,
                .identity: .fields([.cardNumber: .string(Fixture.cardNumber(90)), .cardId: .string(Fixture.cardId(90)),
                                    .ssn: .string(Fixture.ssn(80)), .name: "钱八"]),
            ]))
        }
        #expect(wrongChip?.is(.ruleViolated) == true)
        #expect(try client.call(RegistryMethod.verifyAudit.name, [:])[.intact]?.bool == true)

        // Not UTF-8: refused by sscardctl with the offset, before anything is sent.
        let gbk = rig.directory + "/gbk.csv"
        // GB18030 "测" after a valid start.
        try Data(Array((Self.header + "\nB-2,").utf8) + [0xB2, 0xE2]).write(to: URL(fileURLWithPath: gbk))
        let notUTF8 = try rig.sscardctl(["import-batch", gbk])
        #expect(notUTF8.code == 2 && notUTF8.output.contains("line 2: not UTF-8 at byte \(Self.header.utf8.count + 5)"),
                "\(notUTF8.output)")
        // An operator may not import.
        let operatorTry = try rig.sscardctl(["import-batch", good], uid: DaemonRig.otherUid, groups: [DaemonRig.operatorGid])
        #expect(operatorTry.code == 4, "\(operatorTry.output)")
        // The daemon's log never carries the rows' personal data.
        let log = rig.daemon?.output.joined(separator: "\n") ?? ""
        #expect(!log.contains(Fixture.ssn(81)) && !log.contains(badCard) && !log.contains(Fixture.cardNumber(82)))
    }

    @Test("import sessions: bounded per user, tied to their connection, ended by commit, abort or the connection's close")
    func sessionsAreBounded() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let first = try client.call(RegistryMethod.beginBatchImport.name, [:])[.session]?.string ?? ""
        _ = try client.call(RegistryMethod.beginBatchImport.name, [:])
        let third = Fixture.error { _ = try client.call(RegistryMethod.beginBatchImport.name, [:]) }
        #expect(third?.is(.importSessionInvalid) == true, "\(String(describing: third))")
        // Another connection of the same user cannot write into it.
        let other = try Fixture.client(rig)
        let foreign = Fixture.error {
            _ = try other.call(RegistryMethod.addBatchText.name, .fields([.session: .string(first), .text: "x"]))
        }
        #expect(foreign?.is(.importSessionInvalid) == true)
        // Abort frees a place; commit of an empty session is a rejected batch that names the file.
        _ = try client.call(RegistryMethod.abortBatchImport.name, .fields([.session: .string(first)]))
        let next = try client.call(RegistryMethod.beginBatchImport.name, [:])[.session]?.string ?? ""
        let empty = Fixture.error { _ = try client.call(RegistryMethod.commitBatchImport.name, .fields([.session: .string(next)])) }
        #expect(empty?.is(.batchRejected) == true)
        #expect(empty?.parameters[.problems]?[0]?[.problem]?.string == "noHeader")
        // The session ended with its commit.
        let gone = Fixture.error { _ = try client.call(RegistryMethod.commitBatchImport.name, .fields([.session: .string(next)])) }
        #expect(gone?.is(.importSessionInvalid) == true)
        // Closing a connection ends its sessions: `client` still holds the second one it began.
        _ = try other.call(RegistryMethod.beginBatchImport.name, [:])
        #expect(Fixture.error { _ = try other.call(RegistryMethod.beginBatchImport.name, [:]) }?.is(.importSessionInvalid) == true)
        client.close()
        // The daemon sees the hang-up on its I/O thread; nothing tells this client when, so ask until it has.
        let deadline = Date().addingTimeInterval(10)
        var reopened: String?
        while reopened == nil, Date() < deadline {
            reopened = try? other.call(RegistryMethod.beginBatchImport.name, [:])[.session]?.string
            if reopened == nil { usleep(20_000) }
        }
        #expect(reopened != nil, "the closed connection's session still counted against its user")
    }
}
