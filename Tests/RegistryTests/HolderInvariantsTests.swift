import SSCardValues
import Testing
@testable import Registry

/// `HolderInvariants.violations`, one row per invariant: a holder's rows that
/// break it, and the rule named in the finding. (The property test runs the
/// same check after every step of random operation sequences.)
@Suite struct HolderInvariantsTests {
    static let ssn = SocialSecurityNumber(storedValue: "14010519800101001X")
    static let at = Timestamp(milliseconds: 0)

    static func card(_ n: Int, _ state: CardState, replacedBy: Int? = nil) -> CardRecord {
        CardRecord(cardNumber: RegistryFixture.cardNumber(n), cardId: RegistryFixture.cardId(n), ssn: ssn,
                   applicationId: nil, state: state, replacedBy: replacedBy.map(RegistryFixture.cardNumber), updatedAt: at)
    }

    static func application(_ id: Int64, _ kind: Application.Kind, fee: Int? = nil,
                            settlement: FeeSettlement? = nil, bound: Int? = nil) -> Application {
        let charged: Int
        if case let .replacement(_, reason) = kind { charged = fee ?? reason.feeFen } else { charged = fee ?? 0 }
        return Application(id: id, ssn: ssn, kind: kind, stage: .accepted, feeFen: charged, feeSettlement: settlement,
                           cardNumber: bound.map(RegistryFixture.cardNumber), createdAt: at, updatedAt: at)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let cards: [CardRecord]
        let applications: [Application]
        let rule: String?
        var testDescription: String { name }
    }

    static let lost = Application.Kind.replacement(of: RegistryFixture.cardNumber(1), reason: .lost)

    static let rows: [Row] = [
        Row(name: "one active card", cards: [card(1, .active)], applications: [], rule: nil),
        Row(name: "a formally lost card and its replacement in production",
            cards: [card(1, .formallyLost)], applications: [application(2, lost)], rule: nil),
        Row(name: "a cancelled card and a new first card", cards: [card(1, .cancelled), card(2, .active)],
            applications: [], rule: nil),
        Row(name: "the loophole: a formally lost card beside an active one",
            cards: [card(1, .formallyLost), card(2, .active)], applications: [], rule: "onePlaceHolder"),
        Row(name: "two applications on their way", cards: [card(1, .active)],
            applications: [application(2, lost), application(3, lost)], rule: "oneApplicationInProgress"),
        Row(name: "a first card applied for while a card holds the place", cards: [card(1, .sealed)],
            applications: [application(2, .first)], rule: "firstCardWhilePlaceHeld"),
        Row(name: "a replaced card not cancelled", cards: [card(1, .formallyLost, replacedBy: 2)],
            applications: [], rule: "replacedCardCancelled"),
        Row(name: "a replacement charged off its reason", cards: [card(1, .formallyLost)],
            applications: [application(2, lost, fee: 0, settlement: .free)], rule: "feePerReason"),
        Row(name: "a charged fee recorded free", cards: [card(1, .formallyLost)],
            applications: [application(2, lost, settlement: .free)], rule: "feeSettlement"),
    ]

    @Test(arguments: rows)
    func eachRow(_ row: Row) {
        let found = HolderInvariants.violations(cards: row.cards, applications: row.applications)
        if let rule = row.rule {
            #expect(found.count == 1 && found[0].hasPrefix(rule + ":"), "\(found)")
        } else {
            #expect(found.isEmpty, "\(found)")
        }
    }
}
