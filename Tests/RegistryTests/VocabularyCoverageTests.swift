import SSCardValues
import Testing
@testable import Registry

/// Every coded value the registry writes has a Chinese and an English name in
/// the one vocabulary (SSCardValues' ServiceVocabulary), so adding a state,
/// stage, operation, outcome or document without naming it fails here rather
/// than showing its wire spelling to an operator.
@Suite struct VocabularyCoverageTests {

    static let coded: [(ServiceVocabulary, String)] =
        CardState.allCases.map { (.cardState, $0.rawValue) }
        + ApplicationStage.allCases.map { (.applicationStage, $0.rawValue) }
        + AuditAction.all.map { (.action, $0.rawValue) }
        + AuditEntry.Outcome.allCases.map { (.outcome, $0.rawValue) }
        + Evidence.Document.allCases.map { (.document, $0.rawValue) }
        + ReplacementReason.allCases.map { (.replacementReason, $0.rawValue) }
        + CancellationReason.allCases.map { (.cancellationReason, $0.rawValue) }
        + BankFunction.allCases.map { (.bankFunction, $0.rawValue) }
        + BankEvent.allCases.map { (.bankEvent, $0.rawValue) }
        + BankReminder.allCases.map { (.bankReminder, $0.rawValue) }
        + FeeSettlement.allCases.map { (.feeSettlement, $0.rawValue) }

    @Test(arguments: coded)
    func hasAChineseAndAnEnglishName(_ vocabulary: ServiceVocabulary, _ wire: String) throws {
        let name = try #require(vocabulary.names[wire], "\(vocabulary.rawValue) has no name for \(wire)")
        #expect(!name.chinese.isEmpty && !name.english.isEmpty)
        // A Chinese name is Chinese: not the wire value passed through.
        #expect(name.chinese != wire && name.chinese.unicodeScalars.contains { $0.value >= 0x4E00 })
    }

    /// The registry's own Chinese names are the vocabulary's, not a second copy.
    @Test func theRegistrysNamesComeFromTheVocabulary() {
        for state in CardState.allCases {
            #expect(state.chinese == ServiceVocabulary.cardState.names[state.rawValue]?.chinese)
        }
        for operation in CardOperation.allCases {
            #expect(operation.chinese == ServiceVocabulary.action.names[operation.rawValue]?.chinese)
        }
        for stage in ApplicationStage.allCases {
            #expect(stage.chinese == ServiceVocabulary.applicationStage.names[stage.rawValue]?.chinese)
        }
        // The terms the kiosk and the lifecycle document show.
        #expect(CardState.issued.chinese == "未启用")
        #expect(CardState.active.chinese == "正常")
        #expect(CardState.temporarilyLost.chinese == "临时挂失")
    }

    /// The vocabulary names nothing the registry does not have: a stale name
    /// would hide a renamed case.
    @Test func theVocabularyHasNoValueTheRegistryLacks() {
        #expect(Set(ServiceVocabulary.cardState.names.keys) == Set(CardState.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.applicationStage.names.keys) == Set(ApplicationStage.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.action.names.keys) == Set(AuditAction.all.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.outcome.names.keys) == Set(AuditEntry.Outcome.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.document.names.keys) == Set(Evidence.Document.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.replacementReason.names.keys) == Set(ReplacementReason.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.cancellationReason.names.keys) == Set(CancellationReason.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.bankFunction.names.keys) == Set(BankFunction.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.bankEvent.names.keys) == Set(BankEvent.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.bankReminder.names.keys) == Set(BankReminder.allCases.map(\.rawValue)))
        #expect(Set(ServiceVocabulary.feeSettlement.names.keys) == Set(FeeSettlement.allCases.map(\.rawValue)))
    }
}
