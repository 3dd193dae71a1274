import Testing
import SSCardValues

/// The vocabulary's own promises; that every registry case has a name is
/// checked in RegistryTests (VocabularyCoverageTests), where the cases are.
@Suite struct ServiceVocabularyTests {
    /// A value a newer sscardd may send names itself rather than vanishing.
    @Test(arguments: ServiceVocabulary.allCases)
    func anUnknownValuePassesThrough(_ vocabulary: ServiceVocabulary) {
        #expect(vocabulary.name("returnedToSender") == BilingualName("returnedToSender", "returnedToSender"))
        #expect(vocabulary.chinese("") == "")
    }

    /// Two wire values with one Chinese name would read the same in a table.
    @Test(arguments: ServiceVocabulary.allCases)
    func namesAreDistinctWithinAVocabulary(_ vocabulary: ServiceVocabulary) {
        let names = Array(vocabulary.names.values)
        #expect(Set(names.map(\.chinese)).count == names.count)
        #expect(Set(names.map(\.english)).count == names.count)
        for name in names { #expect(!name.chinese.isEmpty && !name.english.isEmpty) }
    }

    /// sscardctl names oldState/newState from states or stages, and kind from
    /// application or loss kinds, by the value alone: they must not overlap.
    @Test func valuesSharingAFieldNeverCollide() {
        let states = Set(ServiceVocabulary.cardState.names.keys)
        #expect(states.isDisjoint(with: ServiceVocabulary.applicationStage.names.keys))
        #expect(Set(ServiceVocabulary.applicationKind.names.keys).isDisjoint(with: ServiceVocabulary.lossKind.names.keys))
    }

    /// The protocol's inline enums (org.sscard.Registry.varlink), which no Swift type lists.
    @Test func theProtocolsInlineKindsAreNamed() {
        #expect(Set(ServiceVocabulary.applicationKind.names.keys) == ["first", "replacement"])
        #expect(Set(ServiceVocabulary.lossKind.names.keys) == ["temporary", "formal"])
        #expect(ServiceVocabulary.lossKind.chinese("temporary") == "临时挂失")
    }

    /// The kiosk shows these on screen (scripts/test-kiosk waits for them).
    @Test func theKiosksTermsForStates() {
        #expect(ServiceVocabulary.cardState.name("issued") == BilingualName("未启用", "Not yet activated"))
        #expect(ServiceVocabulary.cardState.name("active") == BilingualName("正常", "Active"))
        #expect(ServiceVocabulary.cardState.name("temporarilyLost") == BilingualName("临时挂失", "Temporarily lost"))
    }
}
