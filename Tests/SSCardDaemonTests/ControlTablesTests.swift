import Foundation
@testable import SSCardControl
import SSCardInterfaces
import SSCardRig
import Testing
import Varlink

/// sscardctl's readable tables against a running sscardd: with Chinese labels
/// the coded values (states, stages, kinds, actions, outcomes) read in Chinese
/// too; English tables and `--json` keep the wire spelling that scripts and
/// the command line use.
@Suite("sscardctl: coded values in the table's language", .serialized)
struct ControlTablesTests {
    static let chinese = "zh_CN.UTF-8"

    /// The line of a key/value table that starts with `label`.
    static func line(_ label: String, in output: String) -> String? {
        output.split(separator: "\n").map(String.init).first { $0.hasPrefix(label) }
    }

    @Test("LANG=zh_CN: a temporarily lost card's status reads 临时挂失; --json still says temporarilyLost")
    func statusInChinese() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(41, client: client)
        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .evidence: Fixture.idCard,
        ]))

        let table = try rig.sscardctl(["status", "--card", number], locale: Self.chinese)
        #expect(table.code == 0, "\(table.output)")
        #expect(Self.line("卡状态", in: table.output)?.hasSuffix("临时挂失") == true, "\(table.output)")
        #expect(Self.line("挂失前状态", in: table.output)?.hasSuffix("正常") == true, "\(table.output)")
        #expect(!table.output.contains("temporarilyLost") && !table.output.contains("active"), "\(table.output)")
        #expect(Self.line("电子凭证继续使用", in: table.output)?.hasSuffix("否") == true, "\(table.output)")

        let json = try rig.sscardctl(["--json", "status", "--card", number], locale: Self.chinese)
        #expect(json.code == 0)
        #expect(json.output.contains("\"state\":\"temporarilyLost\""), "\(json.output)")
        #expect(json.output.contains("\"previousState\":\"active\""), "\(json.output)")
        #expect(!json.output.contains("临时挂失"))

        // The holder's view: the cards' states, the applications' kinds and stages.
        let holder = try rig.sscardctl(["status", "--ssn", Fixture.ssn(41)], locale: Self.chinese)
        #expect(holder.code == 0, "\(holder.output)")
        for term in ["临时挂失", "申领", "已领取"] { #expect(holder.output.contains(term), "\(holder.output)") }
        for wire in ["temporarilyLost", "first", "delivered"] { #expect(!holder.output.contains(wire), "\(holder.output)") }

        // The history: actions, outcomes and the states moved between.
        let history = try rig.sscardctl(["history", "--card", number], locale: Self.chinese)
        #expect(history.code == 0, "\(history.output)")
        for term in ["卡片绑定", "启用", "临时挂失", "办结", "正常"] { #expect(history.output.contains(term), "\(history.output)") }
        for wire in ["bind", "activate", "reportTemporaryLoss", "done", "temporarilyLost"] {
            #expect(!history.output.contains(wire), "\(history.output)")
        }
    }

    @Test("English labels keep the wire values, as typed on the command line")
    func englishKeepsWireValues() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(42, client: client)
        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .evidence: Fixture.idCard,
        ]))
        let table = try rig.sscardctl(["status", "--card", number], locale: "C.UTF-8")
        #expect(table.code == 0, "\(table.output)")
        #expect(Self.line("State ", in: table.output)?.hasSuffix("temporarilyLost") == true, "\(table.output)")
        #expect(Self.line("Previous state", in: table.output)?.hasSuffix("active") == true, "\(table.output)")
        #expect(Self.line("Electronic credential continues", in: table.output)?.hasSuffix("no") == true, "\(table.output)")
        #expect(!table.output.contains("临时挂失"))
    }

    @Test("a Monitor gap event reads as a warning to re-read, in the table's language; an empty LC_ALL is unset")
    func gapEvent() {
        let event: JSONValue = .fields([.action: "gap", .actor: "system", .reason: "3 changes exceed the limit of 2"])
        let chinese = Control.render(event, .event, Labels(environment: ["LC_ALL": "", "LANG": Self.chinese]))
        #expect(chinese.hasPrefix("!! 其他服务点的部分变更未能显示") && chinese.hasSuffix("3 changes exceed the limit of 2"),
                "\(chinese)")
        let english = Control.render(event, .event, Labels(environment: ["LANG": "C.UTF-8"]))
        #expect(english.hasPrefix("!! some changes made at other service points could not be shown"), "\(english)")
        let ordinary = Control.render(.fields([.action: "activate", .actor: "op"]), .event, Labels(environment: [:]))
        #expect(!ordinary.hasPrefix("!!"))
    }

    @Test("the usage text names every exit code")
    func usageNamesEveryExitCode() {
        for code in ExitCode.allCases {
            #expect(Control.usage.contains("\(code.rawValue) "), "exit code \(code.rawValue) missing from the usage text")
        }
    }

    @Test("LANG=zh_CN: a refusal is said in Chinese, then quoted as the daemon named it")
    func refusalsInChinese() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(43, client: client)
        _ = try client.call(RegistryMethod.reportLoss.name, .fields([
            .kind: "temporary", .cardNumber: .string(number), .evidence: Fixture.idCard,
        ]))
        let refused = try rig.sscardctl(["activate", "--card", number, "--document", "idCard"], locale: Self.chinese)
        #expect(refused.code == 1, "\(refused.output)")
        #expect(refused.output.contains("卡 \(number) 当前为「临时挂失」，不能办理「启用」"), "\(refused.output)")
        #expect(refused.output.contains("TransitionRefused: cardNumber=\(number)"), "\(refused.output)")
        let missing = try rig.sscardctl(["status", "--card", "B00000019"], locale: Self.chinese)
        #expect(missing.code == 1)
        #expect(missing.output.contains("登记库中没有卡号为 B00000019 的社会保障卡"), "\(missing.output)")
        let english = try rig.sscardctl(["status", "--card", "B00000019"], locale: "C.UTF-8")
        #expect(english.output.contains("CardNotFound") && !english.output.contains("登记库"), "\(english.output)")
    }

    @Test("the card commands' usage lines show the evidence a counter needs, with the document kinds")
    func usageShowsEvidence() {
        for line in ["lock --card N [--reader R] [--document D[,D...] [--proxy S --proxy-document D [--letter]]]",
                     "release --card N [--document D[,D...] [--proxy S --proxy-document D [--letter]]]"] {
            #expect(Control.usage.contains(line), "\(line)")
        }
        #expect(Control.usage.contains("idCard") && Control.usage.contains("householdRegister"))
    }

    /// (--document as typed, the evidence sent): one kind stays the single
    /// `document`; several, or a number, become `documents`, each number cut
    /// to its last four characters before it leaves sscardctl.
    static let documentOptions: [(String, JSONValue)] = [
        ("idCard", .fields([.document: "idCard"])),
        ("idCard,socialSecurityCard", .fields([.documents: [.fields([.kind: "idCard"]), .fields([.kind: "socialSecurityCard"])]])),
        ("passport:E12345678", .fields([.documents: [.fields([.kind: "passport", .numberTail: "5678"])]])),
        ("idCard,residencePermit:8301", .fields([.documents: [.fields([.kind: "idCard"]),
                                                             .fields([.kind: "residencePermit", .numberTail: "8301"])]])),
    ]

    @Test("--document takes several documents and keeps only a number's last four characters", arguments: documentOptions.indices)
    func documentOption(_ index: Int) throws {
        let (typed, sent) = Self.documentOptions[index]
        #expect(try Control.documents(typed) == (sent.object ?? [:]).reduce(into: [:]) { $0[WireKey(rawValue: $1.key)!] = $1.value })
    }

    @Test("--document refuses an empty document and a number too short to keep its last four")
    func documentOptionRefusals() {
        for typed in ["idCard,,passport:1234", "passport:123"] {
            #expect(throws: UsageError.self, "\(typed)") { try Control.documents(typed) }
        }
    }

    @Test("a control character stored in a reason is shown escaped, never sent to the terminal")
    func controlCharactersAreEscaped() throws {
        let rig = try DaemonRig()
        let client = try Fixture.client(rig)
        let number = try Fixture.issue(44, client: client)
        // sscardd refuses such a reason at its door now (CallerTextTests), but
        // a trail holds what older versions and other writers of a shared
        // registry kept: an operator's reason that would clear the next
        // operator's screen and write right-to-left text over it. Appended
        // here with the sqlite3 program, as such a row would be found.
        let hostile = "\u{1b}[2J\u{1b}]0;owned\u{07}moved\u{202E}abc\u{9b}"
        let insert = "INSERT INTO audit (seq, at, actor, role, channel, service_point, action, outcome, card_number, document, "
            + "reason, prev_hash, hash) SELECT max(seq) + 1, 0, 'older', 'admin', 'counter', 'x', 'seal', 'done', "
            + "'\(number)', 'none', '\(hostile)', x'00', x'00' FROM audit"
        let written = try runToEnd("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", rig.stateDirectory + "/registry.sqlite", insert])
        #expect(written.code == 0, "\(written.output)")
        let table = try rig.sscardctl(["history", "--card", number])
        #expect(table.code == 0, "\(table.output)")
        #expect(!table.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E },
                "raw control characters reached the terminal")
        #expect(table.output.contains(#"\u{1B}[2J\u{1B}]0;owned\u{7}moved\u{202E}abc\u{9B}"#), "\(table.output)")
        // --json stays JSON: the writer escapes control characters itself.
        let json = try rig.sscardctl(["--json", "history", "--card", number])
        #expect(!json.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(json.output.contains(#"\u001b[2J"#) || json.output.contains(#"\u001B[2J"#), "\(json.output)")
    }
}
