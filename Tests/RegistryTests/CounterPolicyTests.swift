import Foundation
@testable import Registry
import SSCardValues
import Testing

/// Issue 17's regional policy, evidence and instant issue, rule by rule: each
/// row a rule, on both engines where the store is involved.
@Suite struct CounterPolicyTests {
    /// A valid SSN of someone born on `born` (YYYYMMDD), serial `serial`.
    static func ssn(born: String, serial: Int) -> SocialSecurityNumber {
        let body = "140105" + born + String(format: "%03d", serial)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return try! SocialSecurityNumber(body + String(Array("10X98765432")[sum % 11]))
    }

    // MARK: Guardian age

    /// (policy's age, applicant born, needs a guardian). The fixture's day is 2026-11-24.
    static let guardianRows: [(Int, String, Bool)] = [
        (18, "20090601", true),    // 17: a minor under the seeds' 未成年人
        (18, "20081124", false),   // 18 today
        (18, "20081125", true),    // 18 tomorrow
        (16, "20090601", false),   // 17 where a region sets 16
    ]

    @Test(arguments: guardianRows.indices)
    func theGuardianAgeComesFromThePolicy(_ index: Int) throws {
        let (age, born, needsGuardian) = Self.guardianRows[index]
        let fixture = try RegistryFixture(.sqlite, policy: Policy(guardianRequiredBelowAge: age))
        let holder = Holder(ssn: Self.ssn(born: born, serial: 21), name: try HolderName("小红"))
        if needsGuardian {
            #expect(throws: RegistryError.ruleViolated(rule: .guardianRequired,
                                                       detail: "a minor's application needs the guardian's number")) {
                try fixture.registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
            }
        } else {
            #expect(try fixture.registry.apply(for: holder, evidence: RegistryFixture.idCard,
                                               actor: RegistryFixture.counter).stage == .accepted)
        }
    }

    // MARK: PIN channels

    /// (change channels, actor, allowed).
    static let pinChangeRows: [(Set<Actor.Channel>, Actor, Bool)] = [
        ([.counter, .kiosk], RegistryFixture.kiosk, true),
        ([.counter, .kiosk], RegistryFixture.counter, true),
        ([.counter], RegistryFixture.kiosk, false),      // Fushun: counter only (004 item 85)
        ([.counter], RegistryFixture.counter, true),
    ]

    @Test(arguments: pinChangeRows.indices)
    func aPINChangeGoesThroughTheRegionsChannels(_ index: Int) throws {
        let (channels, actor, allowed) = Self.pinChangeRows[index]
        let fixture = try RegistryFixture(.sqlite, policy: Policy(pinChangeChannels: channels))
        _ = try fixture.card(30, in: .active)
        if allowed {
            #expect(try fixture.registry.changePassword(fixture.request(30, actor: actor)).state == .active)
        } else {
            let refusal = RegistryError.ruleViolated(
                rule: .channelNotOffered,
                detail: "changePassword is not offered through the kiosk channel here (offered: counter); the card is active")
            #expect(throws: refusal) { try fixture.registry.changePassword(fixture.request(30, actor: actor)) }
            // Authorising the chip's change (before sscardd touches it) refuses alike and records it.
            #expect(throws: refusal) { try fixture.registry.authorise(.changePassword, fixture.request(30, actor: actor)) }
            // A verification is no change: any channel may verify.
            #expect(try fixture.registry.authorise(.verifyPin, fixture.request(30, actor: actor)).state == .active)
            let refused = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(30)).filter { $0.outcome == .refused }
            #expect(refused.count == 2 && refused.allSatisfy { $0.action == AuditAction(.changePassword) })
        }
    }

    // MARK: Fees

    /// (policy fee, reason, fee recorded).
    static let feeRows: [(Int, ReplacementReason, Int)] = [
        (1800, .lost, 1800),
        (1800, .damaged, 1800),
        (1800, .generationUpgrade, 0),
        (2000, .lost, 2000),
        (2000, .generationUpgrade, 0),
        (0, .damaged, 0),
    ]

    @Test(arguments: feeRows.indices)
    func theReplacementFeeIsTheRegions(_ index: Int) throws {
        let (fee, reason, expected) = Self.feeRows[index]
        let fixture = try RegistryFixture(.sqlite, policy: Policy(replacementFeeFen: fee))
        // A lost card is replaced once reported lost (ReplacementRules).
        _ = try fixture.card(31, in: reason == .lost ? .temporarilyLost : .active)
        #expect(try fixture.registry.replace(fixture.request(31), reason: reason).feeFen == expected)
    }

    // MARK: Password reset evidence

    static let holderID = Evidence.Shown(.idCard)
    static let card = Evidence.Shown(.socialSecurityCard)
    static let proxy = RegistryFixture.ssn(33)

    /// (evidence, refusal detail or nil when done).
    static let resetRows: [(Evidence, String?)] = [
        (.none, "resetPassword at the counter needs the holder's idCard and socialSecurityCard; missing: idCard, "
            + "socialSecurityCard (the card is active)"),
        (Evidence(document: .idCard), "resetPassword at the counter needs the holder's idCard and socialSecurityCard; "
            + "missing: socialSecurityCard (the card is active)"),
        (Evidence(document: .socialSecurityCard), "resetPassword at the counter needs the holder's idCard and "
            + "socialSecurityCard; missing: idCard (the card is active)"),
        (try! Evidence(documents: [holderID, card]), nil),
        (try! Evidence(documents: [card, holderID, .init(.passport, numberTail: "4321")]), nil),
        (try! Evidence(documents: [holderID, card], proxySsn: proxy),
         "a proxy resetting a password shows their own identity document (proxyDocument) (the card is active)"),
        (try! Evidence(documents: [holderID, card], proxySsn: proxy, proxyDocument: .passport,
                       authorisationLetter: true), nil),
    ]

    @Test(arguments: resetRows.indices)
    func aResetNeedsTheIDCardAndTheCardOrTheProxysSet(_ index: Int) throws {
        let (evidence, refusal) = Self.resetRows[index]
        let fixture = try RegistryFixture(.sqlite)
        _ = try fixture.card(32, in: .active)
        if let refusal {
            #expect(throws: RegistryError.ruleViolated(rule: .evidenceRequired, detail: refusal)) {
                try fixture.registry.resetPassword(fixture.request(32, evidence: evidence))
            }
        } else {
            #expect(try fixture.registry.resetPassword(fixture.request(32, evidence: evidence)).state == .active)
        }
    }

    // MARK: Evidence in the audit trail

    @Test(arguments: RegistryEngine.allCases)
    func severalDocumentsAreRecordedAndVerified(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        _ = try fixture.card(34, in: .active)
        let evidence = try Evidence(documents: [Self.holderID, Self.card, .init(.residencePermit, numberTail: "08X1")],
                                    proxySsn: Self.proxy, proxyDocument: .idCard, authorisationLetter: true)
        _ = try fixture.registry.resetPassword(fixture.request(34, evidence: evidence))
        let entry = try #require(try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(34)).last)
        #expect(entry.evidence == evidence)
        #expect(entry.evidence.document == .idCard)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    /// The column's form: one document reads as it always did.
    static let recordedRows: [(String, Evidence?)] = [
        ("idCard", Evidence(document: .idCard)),
        ("none", Evidence.none),
        ("householdRegister", Evidence(document: .householdRegister)),
        ("idCard+passport:E123", try! Evidence(documents: [.init(.idCard), .init(.passport, numberTail: "E123")])),
        ("idCard;proxy=passport;letter", try! Evidence(documents: [.init(.idCard)], proxySsn: proxy,
                                                        proxyDocument: .passport, authorisationLetter: true)),
        ("idCard+idCard", nil),
        ("idCard:1234", nil),
        ("card", nil),
        ("idCard;proxy=householdRegister", nil),
        ("idCard;stamp", nil),
    ]

    @Test(arguments: recordedRows.indices)
    func theRecordedFormReadsBack(_ index: Int) {
        let (text, expected) = Self.recordedRows[index]
        let proxied = text.contains("proxy=") ? Self.proxy : nil
        let read = Evidence(recorded: text, proxySsn: proxied)
        #expect(read == expected, "\(text)")
        if let read { #expect(read.recorded == text) }
    }

    /// (documents, proxy, proxy document, letter, error).
    static let badEvidence: [([Evidence.Shown], SocialSecurityNumber?, Evidence.Document?, Bool, EvidenceError)] = [
        ([.init(.none)], nil, nil, false, .noneAmongDocuments(index: 0)),
        ([holderID, holderID], nil, nil, false, .shownTwice(.idCard, index: 1)),
        ([holderID, .init(.idCard, numberTail: "1234")], nil, nil, false, .shownTwice(.idCard, index: 1)),
        ([.init(.socialSecurityCard, numberTail: "1234")], nil, nil, false, .numberNotKept(.socialSecurityCard, index: 0)),
        ([holderID, .init(.passport, numberTail: "12345")], nil, nil, false, .badNumberTail(index: 1)),
        ([.init(.passport, numberTail: "12-4")], nil, nil, false, .badNumberTail(index: 0)),
        ([holderID], nil, .idCard, false, .proxyDocumentWithoutProxy),
        ([holderID], proxy, .socialSecurityCard, false, .proxyDocumentNotIdentity(.socialSecurityCard)),
        ([holderID], nil, nil, true, .letterWithoutProxy),
    ]

    @Test(arguments: badEvidence.indices)
    func badEvidenceSaysWhatAndWhere(_ index: Int) {
        let (documents, proxy, proxyDocument, letter, error) = Self.badEvidence[index]
        #expect(throws: error) {
            try Evidence(documents: documents, proxySsn: proxy, proxyDocument: proxyDocument, authorisationLetter: letter)
        }
    }
}
