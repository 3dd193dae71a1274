import SSCardValues
import Testing
@testable import Registry

/// The documents each cancellation reason needs, and the bank function's
/// table, row by row (both pure).
@Suite struct CancellationRulesTests {
    static let relative = SocialSecurityNumber(storedValue: "11010519491231002X")

    struct Row: Sendable, CustomTestStringConvertible {
        let reason: CancellationReason
        let evidence: Evidence
        let text: String?
        let expected: CancellationRules.Refusal?
        var testDescription: String { "\(reason.rawValue) with \(evidence.document.rawValue)" }
    }

    static let rows: [Row] = [
        Row(reason: .holderRequest, evidence: Evidence(document: .idCard), text: nil, expected: nil),
        Row(reason: .holderRequest, evidence: .none, text: "x", expected: .identityDocumentRequired(reason: .holderRequest)),
        Row(reason: .death, evidence: Evidence(document: .civilRegistryProof, proxySsn: relative), text: nil, expected: nil),
        Row(reason: .death, evidence: Evidence(document: .civilRegistryProof), text: nil, expected: .relativeIdRequired),
        Row(reason: .death, evidence: Evidence(document: .idCard, proxySsn: relative), text: nil,
            expected: .civilRegistryProofRequired(reason: .death)),
        Row(reason: .emigration, evidence: Evidence(document: .civilRegistryProof), text: nil, expected: nil),
        Row(reason: .emigration, evidence: Evidence(document: .passport), text: nil,
            expected: .civilRegistryProofRequired(reason: .emigration)),
        Row(reason: .other, evidence: Evidence(document: .idCard), text: "card centre decision", expected: nil),
        Row(reason: .other, evidence: Evidence(document: .idCard), text: nil, expected: .reasonTextRequired),
        Row(reason: .other, evidence: .none, text: "x", expected: .identityDocumentRequired(reason: .other)),
    ]

    @Test(arguments: rows)
    func eachRow(_ row: Row) {
        #expect(CancellationRules.check(row.reason, evidence: row.evidence, reasonText: row.text) == row.expected)
    }

    @Test func everyReasonHasRows() {
        #expect(Set(Self.rows.map(\.reason)) == Set(CancellationReason.allCases))
    }

    static let bankPairs: [(BankEvent, BankFunction)] = BankEvent.allCases.flatMap { event in
        BankFunction.allCases.map { (event, $0) }
    }

    static let bankExpected: [String: BankFunction] = [
        "opened/notOpened": .opened,
        "lossAcknowledged/opened": .reportedLost,
        "lossReleased/reportedLost": .opened,
        "closed/opened": .closed,
        "closed/reportedLost": .closed,
    ]

    @Test(arguments: bankPairs)
    func bankFunctionTable(_ event: BankEvent, _ function: BankFunction) {
        #expect(event.apply(to: function) == Self.bankExpected["\(event.rawValue)/\(function.rawValue)"])
    }

    @Test func onlyAnOpenBankFunctionNeedsTheLossReminder() {
        #expect(BankFunction.allCases.filter(\.needsLossReminder) == [.opened])
    }
}
