import Foundation
@testable import Registry
import SSCardValues
import Testing

/// The batch file's parser: every kind of problem, named by line and column,
/// with no personal data in what it says.
@Suite struct ProductionBatchCSVTests {
    static let header = ProductionBatchCSV.header

    static func row(batch: String = "B2026-001", app: String = "", ssn: String = "", card: Int = 1, chip: Int = 1,
                    spec: String = "3.00", issue: String = "2026-12-01", expiry: String = "2036-12-01") -> String {
        [batch, app, ssn, RegistryFixture.cardNumber(card).rawValue, RegistryFixture.cardId(chip).rawValue, spec, issue, expiry]
            .joined(separator: ",")
    }

    static func parse(_ text: String, maximumRows: Int = ProductionBatchCSV.defaultMaximumRows)
        -> Result<ProductionBatch, ProductionBatchError> {
        Result { () throws(ProductionBatchError) in
            try ProductionBatchCSV.parse(Array(text.utf8), maximumRows: maximumRows)
        }
    }

    static func problems(_ text: String, maximumRows: Int = ProductionBatchCSV.defaultMaximumRows) -> [BatchRowProblem] {
        if case let .failure(.rejected(_, problems)) = parse(text, maximumRows: maximumRows) { return problems }
        return []
    }

    @Test func aWellFormedFileGivesItsRowsAndOneDigestWhateverItsSpelling() throws {
        let ssn = RegistryFixture.ssn(2).rawValue
        let plain = [Self.header, Self.row(app: "7", card: 1, chip: 1), Self.row(ssn: ssn, card: 2, chip: 2)].joined(separator: "\n")
        let batch = try Self.parse(plain).get()
        #expect(batch.id == "B2026-001")
        #expect(batch.rows.count == 2)
        #expect(batch.rows[0].applicant == .application(7))
        #expect(batch.rows[1].applicant == .ssn(RegistryFixture.ssn(2)))
        #expect(batch.rows[1].line == 3)
        // Quoted fields, CRLF, a BOM, compact dates, columns in another order: the same batch.
        let reordered = "\u{FEFF}expiry_date,issue_date,spec_version,card_id,card_number,ssn,application_id,batch_id\r\n"
            + "20361201,20261201,\"3.00\",\(RegistryFixture.cardId(1).rawValue),\(RegistryFixture.cardNumber(1).rawValue),,7,\"B2026-001\"\r\n"
            + "2036-12-01,2026-12-01,3.00,\(RegistryFixture.cardId(2).rawValue),\(RegistryFixture.cardNumber(2).rawValue),\(ssn),,B2026-001\r\n"
        #expect(try Self.parse(reordered).get().digest == batch.digest)
        let changed = plain.replacingOccurrences(of: "2036-12-01", with: "2036-12-02")
        #expect(try Self.parse(changed).get().digest != batch.digest)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var maximumRows = ProductionBatchCSV.defaultMaximumRows
        var line: Int
        var field: String?
        var code: String
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let h = header
        let card1 = RegistryFixture.cardNumber(1).rawValue
        var badCard = card1
        badCard.removeLast()
        badCard += card1.hasSuffix("0") ? "1" : "0"
        let ssn = RegistryFixture.ssn(3).rawValue
        var badSSN = ssn
        badSSN.removeLast()
        badSSN += ssn.hasSuffix("1") ? "2" : "1"
        return [
            Case(name: "empty file", text: "", line: 1, code: "noHeader"),
            Case(name: "header only", text: h + "\n", line: 0, code: "noRows"),
            Case(name: "missing column", text: h.replacingOccurrences(of: ",expiry_date", with: "") + "\n", line: 1,
                 field: "expiry_date", code: "missingColumn"),
            Case(name: "unknown column", text: h + ",colour\n" + row(app: "1") + ",red", line: 1, field: "colour", code: "unknownColumn"),
            Case(name: "duplicate column", text: h + ",ssn\n", line: 1, field: "ssn", code: "duplicateColumn"),
            Case(name: "too many rows", text: [h, row(app: "1"), row(app: "2", card: 2, chip: 2)].joined(separator: "\n"),
                 maximumRows: 1, line: 0, code: "tooManyRows"),
            Case(name: "wrong field count", text: h + "\n" + row(app: "1") + ",extra", line: 2, code: "wrongFieldCount"),
            Case(name: "quote inside a field", text: h + "\nB1,1,,A\"1,x,3.00,2026-12-01,2036-12-01", line: 2, code: "badQuoting"),
            Case(name: "quote left open", text: h + "\n" + row(app: "1") + "\n\"B1,2", line: 3, code: "badQuoting"),
            Case(name: "empty field", text: h + "\n" + row(app: "1", spec: ""), line: 2, field: "spec_version", code: "empty"),
            Case(name: "card number check character", text: h + "\n" + row(app: "1").replacingOccurrences(of: card1, with: badCard),
                 line: 2, field: "card_number", code: "invalid"),
            Case(name: "ssn check digit", text: h + "\n" + row(ssn: badSSN), line: 2, field: "ssn", code: "invalid"),
            Case(name: "application id not a number", text: h + "\n" + row(app: "seven"), line: 2, field: "application_id",
                 code: "invalid"),
            Case(name: "date that does not exist", text: h + "\n" + row(app: "1", issue: "2026-02-30"), line: 2,
                 field: "issue_date", code: "invalid"),
            Case(name: "both applicant columns", text: h + "\n" + row(app: "1", ssn: ssn), line: 2, field: "application_id/ssn",
                 code: "applicantAmbiguous"),
            Case(name: "neither applicant column", text: h + "\n" + row(), line: 2, field: "application_id/ssn",
                 code: "applicantAmbiguous"),
            Case(name: "batch id with a separator", text: h + "\n" + row(batch: "B1;rows=9", app: "1"), line: 2, field: "batch_id",
                 code: "invalid"),
            Case(name: "another batch id", text: [h, row(app: "1"), row(batch: "B2", app: "2", card: 2, chip: 2)].joined(separator: "\n"),
                 line: 3, field: "batch_id", code: "otherBatch"),
            Case(name: "expiry before issue", text: h + "\n" + row(app: "1", expiry: "2025-01-01"), line: 2, field: "expiry_date",
                 code: "expiryNotAfterIssue"),
            Case(name: "unknown spec version", text: h + "\n" + row(app: "1", spec: "x.00"), line: 2, field: "spec_version",
                 code: "unknownSpecVersion"),
            Case(name: "duplicate row", text: [h, row(app: "1"), row(app: "1")].joined(separator: "\n"), line: 3, code: "duplicateRow"),
            Case(name: "card number twice", text: [h, row(app: "1"), row(app: "2", chip: 2)].joined(separator: "\n"), line: 3,
                 field: "card_number", code: "duplicateInFile"),
            Case(name: "chip twice", text: [h, row(app: "1"), row(app: "2", card: 2)].joined(separator: "\n"), line: 3,
                 field: "card_id", code: "duplicateInFile"),
            Case(name: "application twice", text: [h, row(app: "1"), row(app: "1", card: 2, chip: 2)].joined(separator: "\n"),
                 line: 3, field: "application_id", code: "duplicateInFile"),
        ]
    }()

    @Test(arguments: cases)
    func eachProblemNamesItsLineAndColumn(_ test: Case) {
        let problems = Self.problems(test.text, maximumRows: test.maximumRows)
        #expect(problems.contains { $0.line == test.line && $0.field == test.field && $0.code == test.code },
                "\(problems.map(\.description))")
    }

    @Test func bytesThatAreNotUTF8AreNamedByOffsetAndLine() {
        var bytes = Array((Self.header + "\n" + Self.row(app: "1") + "\n").utf8)
        let offset = bytes.count
        bytes += Array("B2026-001,2,,".utf8) + [0xB2, 0xE2] + Array("\n".utf8)  // GB18030, not UTF-8
        guard case let .failure(.rejected(_, problems)) = Result(catching: { () throws(ProductionBatchError) in
            try ProductionBatchCSV.parse(bytes)
        }) else {
            Issue.record("a GB18030 file was accepted")
            return
        }
        #expect(problems == [BatchRowProblem(line: 3, field: nil, .notUTF8(byteOffset: offset + 13))])
    }

    @Test func problemsNeverCarryTheValueUnmasked() {
        let ssn = RegistryFixture.ssn(3).rawValue
        var bad = ssn
        bad.removeLast()
        bad += ssn.hasSuffix("1") ? "2" : "1"
        let problems = Self.problems(Self.header + "\n" + Self.row(ssn: bad))
        #expect(!problems.isEmpty)
        for problem in problems {
            #expect(!problem.description.contains(bad))
            #expect(!problem.description.contains(String(bad.dropFirst(4).dropLast(4))))
        }
    }

    @Test func everyProblemOfAFileIsReportedAtOnce() {
        let text = [Self.header, Self.row(app: "1", spec: ""), Self.row(app: "2", card: 2, chip: 2, issue: "x"),
                    Self.row(app: "3", card: 3, chip: 3)].joined(separator: "\n")
        #expect(Set(Self.problems(text).map(\.line)) == [2, 3])
    }
}
