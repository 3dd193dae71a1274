import Foundation
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// Reports and the audit export against sscardd as a process, through
/// sscardctl run as an operator and as an administrator: an operator sees
/// only their own service point and cannot export; an export is masked
/// unless asked otherwise, and recorded either way; CSV stays text in a
/// spreadsheet whatever a reason says.
@Suite("sscardd: reports and audit export (issue 18)", .serialized)
struct ReportDaemonTests {
    static let operatorGroups = [DaemonRig.operatorGid]
    static let uid = DaemonRig.otherUid

    /// [yesterday, the day after tomorrow) in this process's time zone, which
    /// sscardd shares: the entries of a test are inside it whenever it runs.
    static var days: (String, String) {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return (formatter.string(from: Date().addingTimeInterval(-86_400)),
                formatter.string(from: Date().addingTimeInterval(2 * 86_400)))
    }

    /// Every exported entry of the period, as the administrator's client sees it.
    static func exported(_ client: VarlinkClient, unmasked: Bool = false) throws -> [JSONValue] {
        var entries: [JSONValue] = []
        try client.stream(RegistryMethod.exportAudit.name, .fields([
            .from: .string(days.0), .to: .string(days.1), .unmasked: .bool(unmasked)])) { reply in
            entries += reply[.entries]?.array ?? []
            return true
        }
        return entries
    }

    @Test("an operator's report is their own service point's; another's and the export are refused and recorded")
    func operatorsSeeTheirOwnPointOnly() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        try Fixture.issue(60, client: client)
        let (from, to) = Self.days

        let own = try rig.sscardctl(["report", "--from", from, "--to", to, "--format", "json"], uid: Self.uid,
                                    groups: Self.operatorGroups)
        #expect(own.code == 0, "\(own.output)")
        let report = try JSONValue(parsing: Array(own.output.utf8))
        #expect(report[.servicePoint]?.string == "test-140105")
        let applied = report[.operations]?.array?.first { $0[.action]?.string == "apply" }
        #expect(applied?[.count]?.int == 1)
        #expect(applied?[.servicePoint]?.string == "test-140105")

        let other = try rig.sscardctl(["report", "--from", from, "--to", to, "--service-point", "elsewhere"],
                                      uid: Self.uid, groups: Self.operatorGroups)
        #expect(other.code == 4, "\(other.output)")
        #expect(other.output.contains("PermissionDenied"))
        // Another operator: the first refusal per uid and minute is an entry of its own (later ones are tallied).
        let export = try rig.sscardctl(["export-audit", "--from", from, "--to", to], uid: Self.uid + 1,
                                       groups: Self.operatorGroups)
        #expect(export.code == 4, "\(export.output)")

        // The administrator sees every point (one here) and both refusals in the trail.
        let all = try client.call(RegistryMethod.report.name, .fields([.from: .string(from), .to: .string(to)]))
        #expect(all[.servicePoint] == nil)
        let refused = try Self.exported(client).filter { $0[.outcome]?.string == "refused" }.compactMap { $0[.action]?.string }
        #expect(refused.contains("report"))
        #expect(refused.contains("exportAudit"))
    }

    @Test("the export masks personal data unless asked, and each export is itself audited")
    func exportsAreMaskedAndAudited() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(61, client: client)
        let ssn = Fixture.ssn(61)
        let (from, to) = Self.days
        let directory = rig.directory

        let masked = try rig.sscardctl(["export-audit", "--from", from, "--to", to, "--format", "jsonl",
                                        "--output", directory + "/masked.jsonl"])
        #expect(masked.code == 0, "\(masked.output)")
        let maskedText = try String(contentsOfFile: directory + "/masked.jsonl", encoding: .utf8)
        #expect(!maskedText.contains(ssn))
        #expect(!maskedText.contains(number))
        #expect(maskedText.contains(String(ssn.prefix(4)) + "**********" + String(ssn.suffix(4))))
        #expect(!FileManager.default.fileExists(atPath: directory + "/masked.jsonl.partial"))

        let unmasked = try rig.sscardctl(["export-audit", "--from", from, "--to", to, "--format", "jsonl", "--unmasked",
                                          "--output", directory + "/unmasked.jsonl"])
        #expect(unmasked.code == 0, "\(unmasked.output)")
        #expect(unmasked.output.contains("UNMASKED"))
        let lines = try String(contentsOfFile: directory + "/unmasked.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(ssn) })
        for line in lines { #expect((try? JSONValue(parsing: Array(line.utf8))) != nil) }

        let exports = try Self.exported(client).filter { $0[.action]?.string == "exportAudit" }
        #expect(exports.count == 2)
        #expect(exports.allSatisfy { $0[.outcome]?.string == "done" && $0[.role]?.string == "admin" })
        #expect(exports.first?[.detail]?.string?.contains("masked=yes") == true)
        #expect(exports.last?[.detail]?.string?.contains("masked=no entries=\(lines.count)") == true)
    }

    @Test("CSV: RFC 4180 quoting, and a reason that looks like a formula stays text")
    func csvIsQuotedAndFormulaSafe() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(62, client: client)
        _ = try client.call(RegistryMethod.lock.name, .fields([
            .cardNumber: .string(number), .evidence: Fixture.idCard, .reason: "=HYPERLINK(\"http://x\",\"a, b\")"]))
        let (from, to) = Self.days
        let csv = try rig.sscardctl(["export-audit", "--from", from, "--to", to])
        #expect(csv.code == 0, "\(csv.output)")
        #expect(csv.output.hasPrefix("sequence,at,actor,role,channel,servicePoint,action,outcome,cardNumber,ssn,"))
        #expect(csv.output.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\","))
        #expect(!csv.output.contains(",=HYPERLINK"))

        let report = try rig.sscardctl(["report", "--from", from, "--to", to, "--format", "csv"])
        #expect(report.code == 0, "\(report.output)")
        #expect(report.output.hasPrefix("section,action,outcome,channel,service_point,start,day,stage,age,settlement,count,total_fen\r\n"))
        #expect(report.output.contains("operations,lock,done,counter,test-140105,,,,,,1,\r\n"))

        // The table in both languages, from the same reply.
        let zh = try rig.sscardctl(["report", "--from", from, "--to", to, "--lang", "zh"])
        #expect(zh.output.contains("业务量(按业务与结果)") && zh.output.contains("应用锁定"))
        let en = try rig.sscardctl(["report", "--from", from, "--to", to, "--lang", "en"])
        #expect(en.output.contains("Operations by kind and outcome") && en.output.contains("lock"))
        let bad = try rig.sscardctl(["report", "--day", "2026-13-01"])
        #expect(bad.code == 2)
    }
}
