import Testing
@testable import Registry
import SSCardValues

@Suite struct ApplicationTests {


    @Test(arguments: RegistryEngine.allCases)
    func productionStagesMoveOneStepAtATime(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let holder = Holder(ssn: RegistryFixture.ssn(1), name: try HolderName("李四"))
        let application = try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        #expect(application.stage == .accepted)
        #expect(application.feeFen == 0)
        #expect(throws: RegistryError.self) {
            try registry.advance(applicationId: application.id, to: .producing, actor: RegistryFixture.admin)
        }
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            #expect(try registry.advance(applicationId: application.id, to: stage, actor: RegistryFixture.admin).stage == stage)
        }
        #expect(try registry.application(application.id).stage == .produced)
    }

    @Test(arguments: RegistryEngine.allCases)
    func rejectionNeedsAReasonAndIsFinal(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let holder = Holder(ssn: RegistryFixture.ssn(2), name: try HolderName("王五"))
        let application = try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        #expect(throws: RegistryError.ruleViolated(rule: .applicationStage, detail: "a rejection needs a reason")) {
            try registry.advance(applicationId: application.id, to: .rejected, actor: RegistryFixture.admin)
        }
        let rejected = try registry.advance(applicationId: application.id, to: .rejected, actor: RegistryFixture.admin,
                                            reason: "photo does not meet requirements")
        #expect(rejected.rejectionReason == "photo does not meet requirements")
        #expect(throws: RegistryError.self) {
            try registry.advance(applicationId: application.id, to: .reviewed, actor: RegistryFixture.admin)
        }
        // A rejected application no longer blocks a new one.
        _ = try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aMinorNeedsAGuardianAndTheHouseholdRegister(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        // Born 2015-06-01: eleven years old on the fixture's date.
        let child = try SocialSecurityNumber("140105201506010011")
        let holder = Holder(ssn: child, name: try HolderName("小明"))
        #expect(throws: RegistryError.ruleViolated(rule: .guardianRequired,
                                                   detail: "a minor's application needs the guardian's number")) {
            try registry.apply(for: holder, evidence: Evidence(document: .householdRegister), actor: RegistryFixture.counter)
        }
        var withGuardian = holder
        withGuardian.guardianSsn = RegistryFixture.ssn(3)
        #expect(throws: RegistryError.self) {
            try registry.apply(for: withGuardian, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        }
        let application = try registry.apply(for: withGuardian, evidence: Evidence(document: .householdRegister),
                                             actor: RegistryFixture.counter)
        #expect(application.ssn == child)
        #expect(try registry.status(of: child).holder.guardianSsn == RegistryFixture.ssn(3))
    }

    @Test(arguments: RegistryEngine.allCases)
    func oneUsableCardPerHolder(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let card = try fixture.card(4, in: .active)
        let holder = try registry.status(of: card.ssn).holder
        #expect(throws: RegistryError.ruleViolated(
            rule: .holderAlreadyHasCard,
            detail: "card \(card.cardNumber) is active and holds the holder's place: apply for a replacement")) {
            try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        }
        // The refused attempt is in the trail.
        let last = try registry.history(ssn: card.ssn).last
        #expect(last?.action.rawValue == "apply")
        #expect(last?.outcome == .refused)
    }

    @Test(arguments: RegistryEngine.allCases)
    func bindingAReplacementCancelsTheOldCardInTheSameTransaction(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let old = try fixture.card(5, in: .active)
        _ = try registry.reportLoss(.formal, fixture.request(5))
        let application = try registry.replace(fixture.request(5), reason: .lost)
        #expect(application.feeFen == 1800)
        #expect(application.replaces == old.cardNumber)
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try registry.advance(applicationId: application.id, to: stage, actor: RegistryFixture.admin)
        }
        let newNumber = RegistryFixture.cardNumber(1005)
        let new = try registry.bind(applicationId: application.id,
                                    chip: ChipIdentity(cardNumber: newNumber, cardId: RegistryFixture.cardId(1005), ssn: old.ssn),
                                    actor: RegistryFixture.counter, evidence: RegistryFixture.idCard)
        #expect(new.state == .issued)
        let oldNow = try registry.status(of: old.cardNumber).card
        #expect(oldNow.state == .cancelled)
        #expect(oldNow.replacedBy == newNumber)
        // The formal loss can no longer be released.
        #expect(throws: RegistryError.refused(old.cardNumber, .notAllowed(operation: .releaseLoss, state: .cancelled))) {
            try registry.releaseLoss(fixture.request(5))
        }
        // Both changes are in one transaction: the supersede and the bind are adjacent in the trail.
        let trail = try registry.history(ssn: old.ssn).filter { $0.outcome == .done }
        let actions = trail.suffix(2).map(\.action.rawValue)
        #expect(actions == ["supersede", "bind"])
        #expect(trail.suffix(2).map(\.at).allSatisfy { $0 == trail.last!.at })
    }

    @Test(arguments: RegistryEngine.allCases)
    func generationUpgradeIsFree(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        _ = try fixture.card(6, in: .active)
        #expect(try registry.replace(fixture.request(6), reason: .generationUpgrade).feeFen == 0)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aChipIdentityIsNeverBoundTwice(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let first = try fixture.card(7, in: .cancelled)
        let holder = Holder(ssn: RegistryFixture.ssn(8), name: try HolderName("赵六"))
        let application = try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try registry.advance(applicationId: application.id, to: stage, actor: RegistryFixture.admin)
        }
        #expect(throws: RegistryError.ruleViolated(rule: .chipAlreadyBound, detail: "this chip identity was bound before")) {
            try registry.bind(applicationId: application.id,
                              chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(1008), cardId: first.cardId,
                                                 ssn: holder.ssn), actor: RegistryFixture.counter)
        }
        #expect(throws: RegistryError.ruleViolated(rule: .identityMismatch,
                                                   detail: "the chip's social security number is not the applicant's")) {
            try registry.bind(applicationId: application.id,
                              chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(1008),
                                                 cardId: RegistryFixture.cardId(1008), ssn: first.ssn),
                              actor: RegistryFixture.counter)
        }
        // Nothing of the refused binds was applied.
        #expect(try registry.application(application.id).cardNumber == nil)
    }

    @Test(arguments: RegistryEngine.allCases)
    func bindingNeedsAProducedCard(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        let holder = Holder(ssn: RegistryFixture.ssn(9), name: try HolderName("钱七"))
        let application = try registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        #expect(throws: RegistryError.self) {
            try registry.bind(applicationId: application.id,
                              chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(9), cardId: RegistryFixture.cardId(9),
                                                 ssn: holder.ssn), actor: RegistryFixture.counter)
        }
    }

    @Test(arguments: RegistryEngine.allCases)
    func nameChangesOnlyThroughAReplacementWithCivilRegistryProof(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        _ = try fixture.card(10, in: .active)
        #expect(throws: RegistryError.self) {
            try registry.replace(fixture.request(10), reason: .keyInformationChanged, newName: try HolderName("张新"))
        }
        let proof = fixture.request(10, evidence: Evidence(document: .civilRegistryProof))
        let application = try registry.replace(proof, reason: .keyInformationChanged, newName: try HolderName("张新"))
        #expect(application.newName?.rawValue == "张新")
        // Not yet the holder's name: the old card is still usable and its chip carries the old one
        // (NameChangeTests follows it to the binding).
        #expect(try registry.status(of: RegistryFixture.ssn(10)).holder.name.rawValue == "张三")
    }

    @Test(arguments: RegistryEngine.allCases)
    func informationChangeKeepsKeyInformation(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        _ = try fixture.card(11, in: .active)
        let holder = try registry.updateHolder(ssn: RegistryFixture.ssn(11), phone: "13800000000", address: "太原市小店区",
                                               actor: RegistryFixture.counter, evidence: RegistryFixture.idCard)
        #expect(holder.phone == "13800000000")
        #expect(holder.name.rawValue == "张三")
        let entry = try registry.history(ssn: RegistryFixture.ssn(11)).last
        #expect(entry?.detail == "changed=phone,address")
        // The audit trail records which fields changed, not their values (personal data).
        #expect(String(decoding: entry!.canonicalContent, as: UTF8.self).contains("13800000000") == false)
    }

    @Test(arguments: RegistryEngine.allCases)
    func passwordResetNeedsEvidenceOfPresenceOrAProxyWithBothIDs(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        _ = try fixture.card(12, in: .active)
        #expect(throws: RegistryError.self) {
            try registry.resetPassword(fixture.request(12, evidence: .none))
        }
        let proxyWithCardOnly = Evidence(document: .socialSecurityCard, proxySsn: RegistryFixture.ssn(13))
        #expect(throws: RegistryError.self) { try registry.resetPassword(fixture.request(12, evidence: proxyWithCardOnly)) }
        let proxy = try Evidence(documents: [.init(.idCard), .init(.socialSecurityCard)], proxySsn: RegistryFixture.ssn(13),
                                 proxyDocument: .idCard)
        #expect(try registry.resetPassword(fixture.request(12, evidence: proxy)).state == .active)
        #expect(try registry.history(cardNumber: RegistryFixture.cardNumber(12)).last?.evidence.proxySsn == RegistryFixture.ssn(13))
        // Never from a kiosk: the region's reset channels (the counter) refuse it before the lifecycle does.
        #expect(throws: RegistryError.ruleViolated(
            rule: .channelNotOffered,
            detail: "resetPassword is not offered through the kiosk channel here (offered: counter); the card is active")) {
            try registry.resetPassword(fixture.request(12, actor: RegistryFixture.kiosk))
        }
    }

    @Test(arguments: RegistryEngine.allCases)
    func holderStatusListsCardsAndApplications(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var registry: Registry { fixture.registry }
        _ = try fixture.card(14, in: .active)
        _ = try registry.replace(fixture.request(14), reason: .damaged)
        let status = try registry.status(of: RegistryFixture.ssn(14))
        #expect(status.cards.count == 1)
        #expect(status.applications.count == 2)
        #expect(status.applications.last?.replaces == RegistryFixture.cardNumber(14))
    }
}
