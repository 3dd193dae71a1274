@testable import SSCardControl
import SSCardInterfaces
import Testing
import Varlink

/// The report page and CSV as pure functions of a Report reply: text people
/// typed (a service point's name, an action spelled by an older version)
/// cannot become markup or a spreadsheet formula.
@Suite struct ReportPageTests {
    static let hostile = "<script>alert(1)</script>&\"'"
    static let reply: JSONValue = .fields([
        .from: "2026-12-01", .to: "2026-12-02", .timeZone: "Asia/Shanghai", .bucketMinutes: 60,
        .servicePoint: .string(hostile),
        .operations: [.fields([.action: "<img src=x onerror=alert(1)>", .outcome: "done", .channel: "counter",
                               .servicePoint: .string(hostile), .count: 3])],
        .timeline: [.fields([.start: "2026-12-01T00:00:00+08:00", .operations: 3, .losses: 1, .releases: 0])],
        .pendingReleases: [], .backlog: [], .fees: [],
    ])

    @Test func everyTextOnThePageIsEscaped() {
        let page = ReportPage.html(Self.reply, Labels(environment: ["LANG": "C"]))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"))
        #expect(page.contains("data-metric=\"operations.total\">3<"))
        #expect(!page.contains("http://") || page.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func csvQuotesAndDisarmsFormulas() {
        #expect(CSVText.field("plain") == "plain")
        #expect(CSVText.field("a,b") == "\"a,b\"")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.field("two\nlines") == "\"two\nlines\"")
        for start in ["=", "+", "-", "@", "\t"] {
            #expect(CSVText.field(start + "1+1") == "'" + start + "1+1", "\(start)")
        }
        #expect(CSVText.field("=SUM(A1,B1)") == "\"'=SUM(A1,B1)\"")
        #expect(CSVText.line(["a", "b"]) == "a,b\r\n")
        let csv = ReportTables.csv(Self.reply)
        #expect(csv.contains("operations,<img src=x onerror=alert(1)>,done,counter,\"<script>alert(1)</script>&\"\"'\",,,,,,3,\r\n"))
    }
}
