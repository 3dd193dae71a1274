import Foundation
import SSCardValues
import Testing
@testable import Registry

/// A batch's one audit entry and what it stands for: its seal of the
/// produced cards (an edit outside sscard is found by the verification),
/// the stage a batch reports without rewriting the applications, the
/// history that shows the entry for each application, and the rows named
/// when the engine refuses a batch the file's checks let through.
@Suite struct ProductionBatchSealTests {
    typealias Import = ProductionBatchImportTests
    static let utc = TimeZone(identifier: "UTC")!

    static func imported(_ fixture: RegistryFixture, _ applications: [Application], id: String = "S-1") throws -> ProductionBatchRecord {
        guard case let .imported(summary) = try fixture.registry.importBatch(Import.batch(id, applications),
                                                                           actor: RegistryFixture.admin) else {
            throw RegistryError.storeFailure("the batch was not imported")
        }
        return summary.record
    }

    @Test(arguments: RegistryEngine.allCases)
    func aProducedCardEditedOutsideSSCardBreaksTheBatchsEntry(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Import.producing(fixture, 3)
        let record = try Self.imported(fixture, applications)
        #expect(try fixture.registry.verifyAudit().isIntact)
        // Another chip named for the second application, as a database user could.
        let application = applications[1].id
        try fixture.raw("UPDATE produced_cards SET card_id = '\(RegistryFixture.cardId(990).rawValue)' WHERE application_id = \(application)")
        let verification = try fixture.registry.verifyAudit()
        #expect(!verification.isIntact)
        #expect(verification.firstBrokenSequence == record.auditSequence)
        #expect(verification.problem?.contains("batch 'S-1'") == true, "\(verification.problem ?? "")")
        // The incremental walk from the genesis finds it too; removing the row does as well.
        let walked = try fixture.registry.verifyAudit(head: nil, start: nil, whole: false)
        #expect(walked.firstBrokenSequence == record.auditSequence)
        try fixture.raw("DELETE FROM produced_cards WHERE application_id = \(application)")
        #expect(try fixture.registry.verifyAudit().problem?.contains("2 row(s) now") == true)
    }

    @Test(arguments: RegistryEngine.allCases)
    func theFullCheckAtOpenRefusesAnEditedProducedCard(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Import.producing(fixture, 2)
        let record = try Self.imported(fixture, applications)
        try fixture.store.close()
        fixture.store = try fixture.openStore(integrityCheck: .full)  // intact: opens
        try fixture.store.close()
        try fixture.raw("UPDATE produced_cards SET card_id = '\(RegistryFixture.cardId(991).rawValue)' "
                            + "WHERE application_id = \(applications[0].id)")
        #expect {
            try fixture.openStore(integrityCheck: .full)
        } throws: { error in
            "\(error)".contains("broken at entry \(record.auditSequence!)") && "\(error)".contains("batch 'S-1'")
        }
        fixture.store = try fixture.openStore(integrityCheck: .bounded)  // the bounded check does not walk back to it
        fixture.registry = Registry(store: fixture.store, clock: fixture.clock, policy: fixture.policy,
                                    servicePoint: RegistryFixture.servicePoint)
        #expect(try fixture.registry.verifyAudit().firstBrokenSequence == record.auditSequence)
    }

    @Test(arguments: RegistryEngine.allCases)
    func aBatchReportsItsApplicationsProducedWithoutRewritingThem(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Import.producing(fixture, 2)
        let before = try applications.map { try fixture.registry.application($0.id).updatedAt }
        fixture.clock.advance(milliseconds: 60_000)
        _ = try Self.imported(fixture, applications)
        for (application, updated) in zip(applications, before) {
            let now = try fixture.registry.application(application.id)
            #expect(now.stage == .produced)
            #expect(now.updatedAt == updated)  // the row was not written
        }
        // The holder's view and the backlog report agree.
        let holder = try fixture.registry.status(of: applications[0].ssn)
        #expect(holder.applications.map(\.stage) == [.produced])
        let day = ReportPeriod.day(of: fixture.clock.now(), in: Self.utc)
        let report = try fixture.registry.report(try ReportPeriod(from: day, to: ReportPeriod.next(day), now: fixture.clock.now(),
                                                                  timeZone: Self.utc), servicePoint: nil)
        #expect(report.backlog.filter { $0.stage == .produced }.map(\.count).reduce(0, +) == 2)
        #expect(report.backlog.filter { $0.stage == .producing }.isEmpty)
        // The next step writes the stage: delivered, from the reported produced.
        _ = try fixture.registry.advance(applicationId: applications[0].id, to: .delivered, actor: RegistryFixture.admin)
        #expect(try fixture.registry.application(applications[0].id).stage == .delivered)
        // A produced application cannot be produced again by a second batch: said once.
        #expect(throws: ProductionBatchError.rejected(batchId: "S-2", problems: [
            BatchRowProblem(line: 2, field: "application_id", .alreadyHasCard),
        ])) {
            try fixture.registry.importBatch(Import.batch("S-2", [applications[1]], firstCard: 700), actor: RegistryFixture.admin)
        }
    }

    @Test(arguments: RegistryEngine.allCases)
    func theHistoryShowsTheBatchsEntryInItsPlace(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Import.producing(fixture, 2)
        fixture.clock.advance(milliseconds: 1_000)
        let record = try Self.imported(fixture, applications)
        fixture.clock.advance(milliseconds: 1_000)
        let first = applications[0]
        _ = try fixture.registry.bind(applicationId: first.id,
                                      chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(500),
                                                         cardId: RegistryFixture.cardId(500), ssn: first.ssn),
                                      actor: RegistryFixture.counter)
        let actions = try fixture.registry.history(ssn: first.ssn).map(\.action.rawValue)
        let batchAt = try #require(actions.firstIndex(of: "importBatch"))
        #expect(actions.filter { $0 == "advance" }.count == 3)
        #expect(actions.lastIndex(of: "advance")! < batchAt)
        #expect(actions.firstIndex(of: "bind")! > batchAt)
        // By card number: the same entry, for the card the batch named.
        let byCard = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(500))
        #expect(byCard.filter { $0.action == .importBatch }.map(\.sequence) == [record.auditSequence!])
        // By both: the same entry once.
        let byBoth = try fixture.registry.history(cardNumber: RegistryFixture.cardNumber(500), ssn: first.ssn)
        #expect(byBoth.filter { $0.action == .importBatch }.map(\.sequence) == [record.auditSequence!])
        #expect(byBoth.map(\.action.rawValue) == actions)
        // The other holder sees the entry for their own application only.
        let other = try fixture.registry.history(ssn: applications[1].ssn).filter { $0.action == .importBatch }
        #expect(other.map(\.applicationId) == [applications[1].id])
        // A limit counts the shown entries too: cut right after the batch's entry, it is the last.
        let cut = try fixture.registry.history(ssn: first.ssn, limit: batchAt + 1)
        #expect(cut.count == batchAt + 1 && cut.last?.action == .importBatch)
    }

    @Test(arguments: RegistryEngine.allCases)
    func cardsRepeatedInABatchBuiltInCodeAreNamedRowByRow(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Import.producing(fixture, 3)
        var batch = Import.batch("S-3", applications)
        batch.rows[2].cardNumber = batch.rows[0].cardNumber   // the file's checks would have refused this
        batch.rows[1].cardId = batch.rows[0].cardId
        #expect(throws: ProductionBatchError.rejected(batchId: "S-3", problems: [
            BatchRowProblem(line: 3, field: "card_id", .duplicateInFile(firstLine: 2), maskedValue: batch.rows[0].cardId.description),
            BatchRowProblem(line: 4, field: "card_number", .duplicateInFile(firstLine: 2),
                            maskedValue: batch.rows[0].cardNumber.description),
        ])) {
            try fixture.registry.importBatch(batch, actor: RegistryFixture.admin)
        }
        for application in applications {
            #expect(try fixture.registry.application(application.id).stage == .producing)
        }
        #expect(try ProductionBatchImportTests.auditCount(fixture, .importBatch, .refused) == 1)
    }

    /// The digests' texts are part of what is stored: pinned here, byte for byte.
    @Test func theDigestsHashTheDocumentedText() throws {
        let issue = try CalendarDate("2026-12-01"), expiry = try CalendarDate("2036-12-01")
        let rows = [
            ProductionBatchRow(line: 2, applicant: .application(12), cardNumber: RegistryFixture.cardNumber(1),
                               cardId: RegistryFixture.cardId(1), specVersion: "3.00", issueDate: issue, expiryDate: expiry),
            ProductionBatchRow(line: 3, applicant: .ssn(RegistryFixture.ssn(2)), cardNumber: RegistryFixture.cardNumber(2),
                               cardId: RegistryFixture.cardId(2), specVersion: "2.00", issueDate: issue, expiryDate: expiry),
        ]
        let batch = ProductionBatch(id: "B-9", rows: rows)
        func line(_ fields: [String]) -> String { fields.joined(separator: "\u{1F}") + "\n" }
        let fileText = "sscard-batch-v1\nB-9\n"
            + line(["a:12", RegistryFixture.cardNumber(1).rawValue, RegistryFixture.cardId(1).rawValue, "3.00", "2026-12-01", "2036-12-01"])
            + line(["s:" + RegistryFixture.ssn(2).rawValue, RegistryFixture.cardNumber(2).rawValue, RegistryFixture.cardId(2).rawValue,
                    "2.00", "2026-12-01", "2036-12-01"])
        #expect(batch.digest == Hex.encode(SHA256.hash(Array(fileText.utf8))).lowercased())
        // Changing a row changes the digest (it is recomputed, not kept).
        var changed = batch
        changed.rows[1].specVersion = "3.00"
        #expect(changed.digest != batch.digest)
        #expect(changed.digest == ProductionBatch(id: "B-9", rows: changed.rows).digest)

        // The seal: the stored rows in application order, whatever the order given.
        let cards = [
            ProducedCard(applicationId: 40, batchId: "B-9", cardNumber: RegistryFixture.cardNumber(2), cardId: RegistryFixture.cardId(2),
                         specVersion: "2.00", issueDate: issue, expiryDate: expiry),
            ProducedCard(applicationId: 12, batchId: "B-9", cardNumber: RegistryFixture.cardNumber(1), cardId: RegistryFixture.cardId(1),
                         specVersion: "3.00", issueDate: issue, expiryDate: expiry),
        ]
        func framed(_ fields: [String]) -> String { fields.map { "\($0.utf8.count):\($0)" }.joined() + "\n" }
        let sealText = "sscard-produced-cards-v1\nB-9\n"
            + framed(["12", RegistryFixture.cardNumber(1).rawValue, RegistryFixture.cardId(1).rawValue, "3.00", "2026-12-01", "2036-12-01"])
            + framed(["40", RegistryFixture.cardNumber(2).rawValue, RegistryFixture.cardId(2).rawValue, "2.00", "2026-12-01", "2036-12-01"])
        #expect(ProducedCardsSeal.digest(batchId: "B-9", cards: cards) == Hex.encode(SHA256.hash(Array(sealText.utf8))).lowercased())
        #expect(ProducedCardsSeal.digest(batchId: "B-9", cards: cards.reversed())
            == ProducedCardsSeal.digest(batchId: "B-9", cards: cards))

        // A stored value holding the next row, separators and all, would give
        // the same text were the fields only separated: framed, it does not.
        var folded = cards[1]
        folded.specVersion = "3.00\u{1F}2026-12-01\u{1F}2036-12-01\n40\u{1F}\(RegistryFixture.cardNumber(2).rawValue)\u{1F}"
            + "\(RegistryFixture.cardId(2).rawValue)\u{1F}2.00"
        #expect(ProducedCardsSeal.digest(batchId: "B-9", cards: [folded])
            != ProducedCardsSeal.digest(batchId: "B-9", cards: cards))
    }

    @Test(arguments: RegistryEngine.allCases)
    func aBatchAddedByHandWithNoEntryIsFoundByAWholeWalk(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Import.producing(fixture, 2)
        _ = try Self.imported(fixture, [applications[0]])
        #expect(try fixture.registry.verifyAudit().isIntact)
        // A database writer's own batch: the application reports produced and would bind their chip.
        try fixture.raw("INSERT INTO production_batches (batch_id, digest, row_count, imported_at, imported_by) "
                            + "VALUES ('HAND-1', 'x', 1, 0, 'nobody')")
        try fixture.raw("INSERT INTO produced_cards (application_id, batch_id, card_number, card_id, spec_version, issue_date, "
                            + "expiry_date) VALUES (\(applications[1].id), 'HAND-1', '\(RegistryFixture.cardNumber(777).rawValue)', "
                            + "'\(RegistryFixture.cardId(777).rawValue)', '3.00', '2026-12-01', '2036-12-01')")
        #expect(try fixture.registry.application(applications[1].id).stage == .produced)
        let verification = try fixture.registry.verifyAudit()
        #expect(!verification.isIntact)
        #expect(verification.firstBrokenSequence == 0)
        #expect(verification.problem?.contains("production batch 'HAND-1' has no importBatch entry") == true,
                "\(verification.problem ?? "")")
        #expect(try fixture.registry.verifyAudit(head: nil, start: nil, whole: true).problem == verification.problem)
    }
}
