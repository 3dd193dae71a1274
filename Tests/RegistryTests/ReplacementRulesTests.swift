import Testing
@testable import Registry

/// The replacement rules, row by row: which reasons fit which card, the
/// checks on age and generation, and the fee each reason costs.
@Suite struct ReplacementRulesTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let reason: ReplacementReason
        let facts: ReplacementRules.Facts
        let expected: Result<Int, ReplacementRules.Refusal>
        var testDescription: String { "\(reason.rawValue) on \(facts.cardState.rawValue)" }
    }

    static func adult(_ state: CardState, generation: Int? = nil) -> ReplacementRules.Facts {
        .init(cardState: state, cardGeneration: generation, holderAge: 40, holderAgeWhenCardMade: 30)
    }

    static let rows: [Row] = [
        // lost: only a card whose loss was reported, at 18 yuan.
        Row(reason: .lost, facts: adult(.formallyLost), expected: .success(1800)),
        Row(reason: .lost, facts: adult(.temporarilyLost), expected: .success(1800)),
        Row(reason: .lost, facts: adult(.active), expected: .failure(.lossNotReported(state: .active))),
        Row(reason: .lost, facts: adult(.sealed), expected: .failure(.lossNotReported(state: .sealed))),
        // A reported-lost card is replaced as lost: no free upgrade, no other reason.
        Row(reason: .generationUpgrade, facts: adult(.formallyLost, generation: 2),
            expected: .failure(.lostCardNeedsReasonLost(state: .formallyLost, reason: .generationUpgrade))),
        Row(reason: .damaged, facts: adult(.temporarilyLost),
            expected: .failure(.lostCardNeedsReasonLost(state: .temporarilyLost, reason: .damaged))),
        // A cancelled card has nothing to replace.
        Row(reason: .damaged, facts: adult(.cancelled), expected: .failure(.cardCancelled)),
        // Reasons the registry cannot check: the fee only.
        Row(reason: .damaged, facts: adult(.active), expected: .success(1800)),
        Row(reason: .unreadable, facts: adult(.issued), expected: .success(1800)),
        Row(reason: .demagnetised, facts: adult(.locked), expected: .success(1800)),
        Row(reason: .faceUnreadable, facts: adult(.active), expected: .success(1800)),
        Row(reason: .keyInformationChanged, facts: adult(.active), expected: .success(1800)),
        Row(reason: .bankChanged, facts: adult(.sealed), expected: .success(1800)),
        Row(reason: .appearanceChanged, facts: adult(.active), expected: .success(1800)),
        Row(reason: .voluntary, facts: adult(.active), expected: .success(1800)),
        Row(reason: .other, facts: adult(.active), expected: .success(1800)),
        // Child reached 7: by age from the number, and the card made before 7.
        Row(reason: .childReachedSeven, facts: .init(cardState: .active, holderAge: 7, holderAgeWhenCardMade: 2),
            expected: .success(1800)),
        Row(reason: .childReachedSeven, facts: .init(cardState: .active, holderAge: 6, holderAgeWhenCardMade: 2),
            expected: .failure(.childNotYetSeven(age: 6))),
        Row(reason: .childReachedSeven, facts: .init(cardState: .active, holderAge: 12, holderAgeWhenCardMade: 8),
            expected: .failure(.cardMadeAfterSeven(ageWhenMade: 8))),
        Row(reason: .childReachedSeven, facts: .init(cardState: .active, holderAge: 9, holderAgeWhenCardMade: nil),
            expected: .success(1800)),
        // Generation upgrade: free, refused on a card of the newest generation, unchecked when unknown.
        Row(reason: .generationUpgrade, facts: adult(.active, generation: 1), expected: .success(0)),
        Row(reason: .generationUpgrade, facts: adult(.active, generation: 2), expected: .success(0)),
        Row(reason: .generationUpgrade, facts: adult(.active, generation: 3),
            expected: .failure(.alreadyNewestGeneration(generation: 3))),
        Row(reason: .generationUpgrade, facts: adult(.active, generation: nil), expected: .success(0)),
    ]

    @Test(arguments: rows)
    func eachRow(_ row: Row) {
        #expect(ReplacementRules.check(row.reason, row.facts) == row.expected)
    }

    @Test func everyReasonHasARowAndEveryRefusalNamesItsRule() {
        #expect(Set(Self.rows.map(\.reason)) == Set(ReplacementReason.allCases))
        for case let .failure(refusal) in Self.rows.map(\.expected) {
            let text = refusal.description
            #expect(text.contains(":"), "\(text) names no rule")
        }
        #expect(ReplacementRules.Refusal.lossNotReported(state: .active).description.contains("active"))
        #expect(ReplacementRules.Refusal.lostCardNeedsReasonLost(state: .formallyLost, reason: .damaged)
            .description.contains("formallyLost"))
    }

    @Test func feesPerReason() {
        for reason in ReplacementReason.allCases {
            #expect(reason.feeFen == (reason == .generationUpgrade ? 0 : 1800), "\(reason)")
        }
    }

    @Test(arguments: [("1.00", 1), ("2.00", 2), ("3.00", 3)])
    func generationFromTheSpecVersion(_ version: String, _ generation: Int) {
        #expect(CardGeneration.of(specVersion: version) == generation)
    }

    @Test(arguments: ["", "x.00", "0.00", " 3.00"])
    func aVersionWithoutAGenerationDigitHasNone(_ version: String) {
        #expect(CardGeneration.of(specVersion: version) == nil)
    }
}
