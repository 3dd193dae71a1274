import SSCardValues
import Testing
@testable import Registry

/// The counter services of issue 17 through the registry on both engines:
/// one card holds the holder's place, replacements checked and charged per
/// reason, a name change on binding, cancellation with documents, the bank
/// function. Every refusal names its rule and the card's state, and leaves
/// nothing applied.
@Suite struct CounterServicesTests {
    static let counter = RegistryFixture.counter
    static let idCard = RegistryFixture.idCard

    /// A valid number for someone born on `birth` (YYYYMMDD).
    static func ssn(born birth: String, _ n: Int) -> SocialSecurityNumber {
        let body = "140105" + birth + String(format: "%03d", n % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return try! SocialSecurityNumber(body + String(Array("10X98765432")[sum % 11]))
    }

    static func produce(_ fixture: RegistryFixture, _ application: Application) throws {
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try fixture.registry.advance(applicationId: application.id, to: stage, actor: RegistryFixture.admin)
        }
    }

    /// Produces and binds `application` as card `n`, with a generation when given.
    @discardableResult
    static func bind(_ fixture: RegistryFixture, _ application: Application, _ n: Int,
                     generation: Int? = nil) throws -> CardRecord {
        try produce(fixture, application)
        return try fixture.registry.bind(
            applicationId: application.id,
            chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(n), cardId: RegistryFixture.cardId(n),
                               ssn: application.ssn, generation: generation),
            actor: counter, evidence: idCard)
    }

    static func expectNoViolations(_ fixture: RegistryFixture, _ ssn: SocialSecurityNumber) throws {
        let status = try fixture.registry.status(of: ssn)
        #expect(HolderInvariants.violations(cards: status.cards, applications: status.applications) == [])
    }

    // MARK: Deliver 1: one card holds the place

    /// The loophole of issue 17: formal loss → Apply → advance → BindCard →
    /// Activate → ReleaseLoss left two usable cards and no fee. The first step
    /// past the loss is now refused, naming the card and its state.
    @Test(arguments: RegistryEngine.allCases)
    func aFirstCardIsRefusedWhileAFormallyLostCardHoldsThePlace(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let lost = try fixture.card(1, in: .formallyLost)
        let holder = try fixture.registry.status(of: lost.ssn).holder
        #expect(throws: RegistryError.ruleViolated(
            rule: .holderAlreadyHasCard,
            detail: "card \(lost.cardNumber) is formallyLost and holds the holder's place: apply for a replacement")) {
            try fixture.registry.apply(for: holder, evidence: Self.idCard, actor: Self.counter)
        }
        #expect(try fixture.registry.status(of: lost.ssn).applications.count == 1)
        #expect(try fixture.registry.history(ssn: lost.ssn).last?.outcome == .refused)
        // The way forward is a replacement, charged as lost; the lost card can still be released meanwhile.
        let replacement = try fixture.registry.replace(fixture.request(1), reason: .lost)
        #expect(replacement.feeFen == 1800 && replacement.feeSettlement == .paid)
        try Self.expectNoViolations(fixture, lost.ssn)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aFormalLossIsReleasedOnlyWhileNoReplacementIsBound(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let lost = try fixture.card(2, in: .formallyLost)
        let replacement = try fixture.registry.replace(fixture.request(2), reason: .lost)
        // In production: the lost card may still come back (the holder found it).
        #expect(try fixture.registry.releaseLoss(fixture.request(2)).state == .active)
        _ = try fixture.registry.reportLoss(.formal, fixture.request(2))
        let new = try Self.bind(fixture, replacement, 1002)
        #expect(new.state == .issued)
        let old = try fixture.registry.status(of: lost.cardNumber).card
        #expect(old.state == .cancelled && old.replacedBy == new.cardNumber)
        #expect(throws: RegistryError.refused(lost.cardNumber, .notAllowed(operation: .releaseLoss, state: .cancelled))) {
            try fixture.registry.releaseLoss(fixture.request(2))
        }
        try Self.expectNoViolations(fixture, lost.ssn)
    }

    // MARK: Deliver 7: replacement reasons

    @Test(arguments: RegistryEngine.allCases)
    func replacementReasonsAreCheckedWhereTheRegistryCan(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let active = try fixture.card(3, in: .active)
        #expect(throws: RegistryError.ruleViolated(
            rule: .replacementReason,
            detail: "card \(active.cardNumber): lossReportedFirst: replacement for reason lost needs a loss report; the card is active")) {
            try fixture.registry.replace(fixture.request(3), reason: .lost)
        }
        // An adult's card made as an adult: not a child reaching 7.
        #expect(throws: RegistryError.self) { try fixture.registry.replace(fixture.request(3), reason: .childReachedSeven) }
        #expect(try fixture.registry.status(of: active.ssn).applications.filter(\.isOpen).isEmpty)

        // Generations: a third-generation card is the newest; a second-generation one upgrades free.
        let newest = Holder(ssn: RegistryFixture.ssn(4), name: try HolderName("孙八"))
        try Self.bind(fixture, try fixture.registry.apply(for: newest, evidence: Self.idCard, actor: Self.counter), 4,
                      generation: 3)
        #expect(throws: RegistryError.self) { try fixture.registry.replace(fixture.request(4), reason: .generationUpgrade) }
        let older = Holder(ssn: RegistryFixture.ssn(5), name: try HolderName("周九"))
        try Self.bind(fixture, try fixture.registry.apply(for: older, evidence: Self.idCard, actor: Self.counter), 5,
                      generation: 2)
        let upgrade = try fixture.registry.replace(fixture.request(5), reason: .generationUpgrade)
        #expect(upgrade.feeFen == 0 && upgrade.feeSettlement == .free)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aChildsCardIsReplacedWhenTheChildReachesSeven(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        // Born 2021-06-01: five when the card is made (fixture time 2026-11-24).
        let child = Holder(ssn: Self.ssn(born: "20210601", 6), name: try HolderName("小明"),
                           guardianSsn: RegistryFixture.ssn(60))
        let card = try Self.bind(fixture, try fixture.registry.apply(
            for: child, evidence: Evidence(document: .householdRegister), actor: Self.counter), 6)
        let request = CardRequest(cardNumber: card.cardNumber, actor: Self.counter, evidence: Evidence(document: .householdRegister))
        #expect(throws: RegistryError.self) { try fixture.registry.replace(request, reason: .childReachedSeven) }
        fixture.clock.advance(days: 365 * 2)  // 2028-11: seven
        let replacement = try fixture.registry.replace(request, reason: .childReachedSeven)
        #expect(replacement.feeFen == 1800)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aWaivedFeeIsRecordedWithItsReason(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        try fixture.card(7, in: .active)
        #expect(throws: RegistryError.ruleViolated(rule: .feeWaiver, detail: "waiving the fee needs a reason")) {
            try fixture.registry.replace(fixture.request(7, reason: nil), reason: .damaged, feeWaived: true)
        }
        #expect(throws: RegistryError.ruleViolated(rule: .feeWaiver, detail: "generationUpgrade is free: there is no fee to waive")) {
            try fixture.registry.replace(fixture.request(7), reason: .generationUpgrade, feeWaived: true)
        }
        let waived = try fixture.registry.replace(fixture.request(7, reason: "flood relief"), reason: .damaged, feeWaived: true)
        #expect(waived.feeFen == 1800 && waived.feeSettlement == .waived)
        #expect(try fixture.registry.application(waived.id).feeSettlement == .waived)
        #expect(try fixture.registry.history(ssn: RegistryFixture.ssn(7)).last?.detail == "feeFen=1800;fee=waived")
    }

    // MARK: Deliver 9: a name change on binding

    @Test(arguments: RegistryEngine.allCases)
    func aNameChangeAppliesWhenTheNewCardIsBound(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let old = try fixture.card(8, in: .active)
        let proof = fixture.request(8, evidence: Evidence(document: .civilRegistryProof))
        let application = try fixture.registry.replace(proof, reason: .keyInformationChanged, newName: try HolderName("张新"))
        // Until the new card is bound the old card is usable and matches its chip's name.
        #expect(try fixture.registry.status(of: old.cardNumber).holderName.rawValue == "张三")
        _ = try fixture.registry.reportLoss(.temporary, fixture.request(8, actor: RegistryFixture.kiosk, evidence: .none))
        let new = try Self.bind(fixture, application, 1008)
        #expect(try fixture.registry.status(of: new.cardNumber).holderName.rawValue == "张新")
        #expect(try fixture.registry.status(of: old.cardNumber).card.state == .cancelled)
        #expect(try fixture.registry.status(of: old.ssn).holder.name.rawValue == "张新")
        let bind = try fixture.registry.history(cardNumber: new.cardNumber).last { $0.action == .bind }
        #expect(bind?.detail?.contains("nameChanged") == true)
    }

    // MARK: Deliver 8: cancellation at the counter

    @Test(arguments: RegistryEngine.allCases)
    func anOperatorCancelsWithTheReasonsDocuments(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let card = try fixture.card(9, in: .active)
        let relative = RegistryFixture.ssn(90)
        let noProxy = CardRequest(cardNumber: card.cardNumber, actor: Self.counter,
                                  evidence: Evidence(document: .civilRegistryProof), reason: "died 2026-11-01")
        #expect(throws: RegistryError.ruleViolated(
            rule: .cancellationEvidence, detail: "cancellation after death needs the ID of the relative who acts (proxySsn)")) {
            try fixture.registry.cancel(noProxy, reason: .death)
        }
        #expect(try fixture.registry.status(of: card.cardNumber).card.state == .active)
        var withRelative = noProxy
        withRelative.evidence = Evidence(document: .civilRegistryProof, proxySsn: relative)
        #expect(try fixture.registry.cancel(withRelative, reason: .death).state == .cancelled)
        let entry = try #require(try fixture.registry.history(cardNumber: card.cardNumber).last)
        #expect(entry.actor.role == .operator && entry.action == AuditAction(.cancel) && entry.outcome == .done)
        #expect(entry.detail == "cancellationReason=death" && entry.evidence.proxySsn == relative)
        // Without a reason kind nothing is cancelled, whoever asks.
        let other = try fixture.card(10, in: .active)
        var bare = fixture.request(10, actor: RegistryFixture.admin)
        bare.cancellationReason = nil
        #expect(throws: RegistryError.self) { try fixture.registry.perform(.cancel, bare) }
        #expect(try fixture.registry.status(of: other.cardNumber).card.state == .active)
    }

    // MARK: Deliver 6: the bank function

    @Test(arguments: RegistryEngine.allCases)
    func theBankFunctionAndTheLossReminderAreRecorded(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let card = try fixture.card(11, in: .active)
        #expect(card.bankFunction == .notOpened)
        var lossDetails: [String?] { (try? fixture.registry.history(cardNumber: card.cardNumber)
            .filter { $0.action.rawValue.hasPrefix("report") && $0.outcome == .done }.map(\.detail)) ?? [] }

        _ = try fixture.registry.reportLoss(.temporary, fixture.request(11))
        #expect(lossDetails.last??.contains("bankReminder=notNeeded") == true)
        _ = try fixture.registry.releaseLoss(fixture.request(11))

        #expect(try fixture.registry.recordBankEvent(.opened, fixture.request(11, reason: "ICBC 0001")).bankFunction == .opened)
        var told = fixture.request(11)
        told.bankReminder = .toldByOperator
        _ = try fixture.registry.reportLoss(.temporary, told)
        #expect(lossDetails.last??.contains("bankReminder=toldByOperator") == true)
        _ = try fixture.registry.releaseLoss(fixture.request(11))
        _ = try fixture.registry.reportLoss(.temporary, fixture.request(11, actor: RegistryFixture.kiosk, evidence: .none))
        #expect(lossDetails.last??.contains("bankReminder=shownOnKiosk") == true)
        _ = try fixture.registry.reportLoss(.formal, fixture.request(11))
        #expect(lossDetails.last??.contains("bankReminder=returnedToCaller") == true)

        #expect(try fixture.registry.recordBankEvent(.lossAcknowledged, fixture.request(11)).bankFunction == .reportedLost)
        #expect(throws: RegistryError.ruleViolated(
            rule: .bankFunction,
            detail: "card \(card.cardNumber): the bank function is reportedLost; opened cannot be recorded")) {
            try fixture.registry.recordBankEvent(.opened, fixture.request(11))
        }
        try fixture.reopen()
        let stored = try fixture.registry.status(of: card.cardNumber).card
        #expect(stored.bankFunction == .reportedLost && stored.state == .formallyLost)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }
}
