import Registry
import SSCardInterfaces
import SSCardValues
import Testing
@testable import SSCardDaemon

/// One vocabulary of audit actions: every method of the interfaces has one,
/// the vocabulary names it, and a call's text never becomes an action.
@Suite struct AuditActionTests {
    @Test(arguments: SSCardMethod.allCases)
    func everyMethodHasANamedAction(_ method: SSCardMethod) {
        let action = AuditAction(refusedCall: method)
        #expect(action != .unknownMethod)
        #expect(action.isKnown, "\(method) → \(action) has no name in the vocabulary")
        #expect(AuditAction.all.contains(action))
    }

    @Test func methodsThatPerformAnOperationAreRecordedAsThatOperation() {
        #expect(AuditAction(refusedCall: .registry(.seal)) == AuditAction(.seal))
        #expect(AuditAction(refusedCall: .registry(.bindCard)) == .bind)
        #expect(AuditAction(refusedCall: .registry(.advanceApplication)) == .advance)
        #expect(AuditAction(refusedCall: .registry(.monitor)) != AuditAction(refusedCall: .reader(.monitor)),
                "the two Monitors are told apart")
    }

    @Test func aNameTheInterfacesDoNotDeclareIsOneAction() {
        #expect(AuditAction(refusedCall: SSCardMethod(name: "org.sscard.Registry.Teleport")) == .unknownMethod)
        #expect(AuditAction(refusedCall: SSCardMethod(name: "org.sscard.Registry.\u{1b}[2J")) == .unknownMethod)
    }

    @Test func anOldEntrysSpellingIsReadBackAsItWasHashed() {
        let old = AuditAction(rawValue: "Seal")
        #expect(old.rawValue == "Seal")
        #expect(!old.isKnown)
    }
}
