import Foundation
@testable import Registry
import RegistryPostgreSQL
import SSCardValues
import Testing

/// Applying a production batch on both engines: all rows or none, a re-sent
/// batch is a no-op, the same id with other content is refused, and binding
/// then takes only the chip the batch named.
@Suite struct ProductionBatchImportTests {
    /// Applications 1...count, each at `producing`, for holders 100 + n.
    static func producing(_ fixture: RegistryFixture, _ count: Int) throws -> [Application] {
        try (1...count).map { n in
            let holder = Holder(ssn: RegistryFixture.ssn(100 + n), name: try HolderName("李四"))
            let application = try fixture.registry.apply(for: holder, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
            for stage in [ApplicationStage.reviewed, .ordered, .producing] {
                _ = try fixture.registry.advance(applicationId: application.id, to: stage, actor: RegistryFixture.admin)
            }
            return try fixture.registry.application(application.id)
        }
    }

    static func batch(_ id: String, _ applications: [Application], firstCard: Int = 500, bySSN: Bool = false) -> ProductionBatch {
        ProductionBatch(id: id, rows: applications.enumerated().map { index, application in
            ProductionBatchRow(line: index + 2, applicant: bySSN ? .ssn(application.ssn) : .application(application.id),
                               cardNumber: RegistryFixture.cardNumber(firstCard + index),
                               cardId: RegistryFixture.cardId(firstCard + index), specVersion: "3.00",
                               issueDate: try! CalendarDate("2026-12-01"), expiryDate: try! CalendarDate("2036-12-01"))
        })
    }

    static func auditCount(_ fixture: RegistryFixture, _ action: AuditAction, _ outcome: AuditEntry.Outcome) throws -> Int {
        var count = 0
        try fixture.store.read(snapshot: true) { reader in
            try reader.forEachAuditEntry { entry in
                if entry.action == action && entry.outcome == outcome { count += 1 }
                return true
            }
        }
        return count
    }

    @Test(arguments: RegistryEngine.allCases)
    func aBatchAdvancesEveryApplicationAndBindingTakesOnlyItsChip(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Self.producing(fixture, 3)
        let batch = Self.batch("B-1", applications, bySSN: true)
        guard case let .imported(summary) = try fixture.registry.importBatch(batch, actor: RegistryFixture.admin) else {
            Issue.record("the batch was not imported")
            return
        }
        #expect(summary.record.rowCount == 3)
        #expect(summary.record.digest == batch.digest)
        for application in applications {
            #expect(try fixture.registry.application(application.id).stage == .produced)
        }
        // One entry for the batch, none per application.
        #expect(try Self.auditCount(fixture, .produceInBatch, .done) == 0)
        #expect(try Self.auditCount(fixture, .importBatch, .done) == 1)
        #expect(summary.record.auditSequence != nil)
        // The holder's history shows the batch's entry for their application and card.
        let history = try fixture.registry.history(ssn: applications[0].ssn)
        let shown = history.filter { $0.action == .importBatch }
        #expect(shown.count == 1)
        #expect(shown.first?.applicationId == applications[0].id)
        #expect(shown.first?.cardNumber == RegistryFixture.cardNumber(500).rawValue)
        #expect(shown.first?.sequence == summary.record.auditSequence)
        #expect(shown.first?.detail?.hasPrefix("batch=B-1;digest=\(batch.digest);rows=3;cards=") == true)
        // Binding: another chip is refused, the batch's chip is bound.
        let first = applications[0]
        #expect(throws: RegistryError.self) {
            try fixture.registry.bind(applicationId: first.id,
                                      chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(900), cardId: RegistryFixture.cardId(900),
                                                         ssn: first.ssn), actor: RegistryFixture.counter)
        }
        let card = try fixture.registry.bind(applicationId: first.id,
                                             chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(500),
                                                                cardId: RegistryFixture.cardId(500), ssn: first.ssn),
                                             actor: RegistryFixture.counter)
        #expect(card.state == .issued)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    @Test(arguments: RegistryEngine.allCases)
    func oneBadRowAtTheEndImportsNothing(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        var applications = try Self.producing(fixture, 4)
        // The last application is still `ordered`: its row is refused, and so is the batch.
        let late = Holder(ssn: RegistryFixture.ssn(199), name: try HolderName("赵六"))
        let ordered = try fixture.registry.apply(for: late, evidence: RegistryFixture.idCard, actor: RegistryFixture.counter)
        for stage in [ApplicationStage.reviewed, .ordered] {
            _ = try fixture.registry.advance(applicationId: ordered.id, to: stage, actor: RegistryFixture.admin)
        }
        applications.append(try fixture.registry.application(ordered.id))
        let batch = Self.batch("B-2", applications)
        do {
            _ = try fixture.registry.importBatch(batch, actor: RegistryFixture.admin)
            Issue.record("a batch with a row in the wrong stage was imported")
        } catch let ProductionBatchError.rejected(id, problems) {
            #expect(id == "B-2")
            #expect(problems == [BatchRowProblem(line: 6, field: "application_id", .wrongStage("ordered"))])
        }
        for application in applications.dropLast() {
            #expect(try fixture.registry.application(application.id).stage == .producing)
        }
        #expect(try Self.auditCount(fixture, .importBatch, .done) == 0)
        #expect(try Self.auditCount(fixture, .importBatch, .refused) == 1)
        // Nothing of the batch is stored: the same id imports once the row is fixed.
        _ = try fixture.registry.advance(applicationId: ordered.id, to: .producing, actor: RegistryFixture.admin)
        #expect(try fixture.registry.importBatch(batch, actor: RegistryFixture.admin) != nil)
        #expect(try fixture.registry.application(ordered.id).stage == .produced)
    }

    @Test(arguments: RegistryEngine.allCases)
    func theSameBatchAgainIsANoOpAndOtherContentUnderItsIdIsRefused(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let applications = try Self.producing(fixture, 2)
        let batch = Self.batch("B-3", applications)
        _ = try fixture.registry.importBatch(batch, actor: RegistryFixture.admin)
        guard case let .alreadyImported(record) = try fixture.registry.importBatch(batch, actor: RegistryFixture.admin) else {
            Issue.record("re-importing the same batch was not a no-op")
            return
        }
        #expect(record.id == "B-3" && record.rowCount == 2 && record.importedBy == RegistryFixture.admin.id)
        #expect(try Self.auditCount(fixture, .importBatch, .done) == 1)
        var other = batch
        other.rows[0].expiryDate = try CalendarDate("2036-12-02")
        #expect(throws: ProductionBatchError.conflict(batchId: "B-3", importedAt: record.importedAt)) {
            try fixture.registry.importBatch(other, actor: RegistryFixture.admin)
        }
    }

    @Test(arguments: RegistryEngine.allCases)
    func rowsThatContradictTheRegistryAreEachNamed(_ engine: RegistryEngine) throws {
        let fixture = try RegistryFixture(engine)
        let issued = try fixture.issuedCard(1)
        let applications = try Self.producing(fixture, 3)
        var batch = Self.batch("B-4", applications)
        batch.rows[0].cardNumber = issued.cardNumber          // a card the registry has
        batch.rows[1].cardId = issued.cardId                  // a chip the registry has
        batch.rows[2].applicant = .application(999_999)       // no such application
        batch.rows.append(ProductionBatchRow(line: 5, applicant: .ssn(RegistryFixture.ssn(300)),
                                             cardNumber: RegistryFixture.cardNumber(800), cardId: RegistryFixture.cardId(800),
                                             specVersion: "3.00", issueDate: try CalendarDate("2026-12-01"),
                                             expiryDate: try CalendarDate("2036-12-01")))
        do {
            _ = try fixture.registry.importBatch(batch, actor: RegistryFixture.admin)
            Issue.record("a contradicting batch was imported")
        } catch let ProductionBatchError.rejected(_, problems) {
            #expect(problems.map { "\($0.line) \($0.field ?? "-") \($0.code)" } == [
                "2 card_number alreadyKnown", "3 card_id alreadyKnown", "4 application_id applicationNotFound",
                "5 ssn noOpenApplication",
            ])
        }
        // A batch's cards are known to the next batch, before any is bound.
        let first = Self.batch("B-5", [applications[0]], firstCard: 600)
        _ = try fixture.registry.importBatch(first, actor: RegistryFixture.admin)
        var second = Self.batch("B-6", [applications[1]], firstCard: 600)
        second.rows[0].cardId = RegistryFixture.cardId(601)
        #expect(throws: ProductionBatchError.rejected(batchId: "B-6", problems: [
            BatchRowProblem(line: 2, field: "card_number", .alreadyKnown, maskedValue: RegistryFixture.cardNumber(600).description),
        ])) {
            try fixture.registry.importBatch(second, actor: RegistryFixture.admin)
        }
    }
}

extension BatchImportOutcome {
    static func != (lhs: BatchImportOutcome, rhs: BatchImportOutcome?) -> Bool { rhs.map { $0 != lhs } ?? true }
}

extension ProductionBatchImportTests {
    /// Moving a service point to PostgreSQL keeps its batches: the copy knows
    /// the batch (a re-import is a no-op there) and binds only the batch's chip.
    @Test func aMovedRegistryKeepsItsBatches() throws {
        let fixture = try RegistryFixture(.sqlite)
        let applications = try Self.producing(fixture, 2)
        let batch = Self.batch("B-7", applications)
        _ = try fixture.registry.importBatch(batch, actor: RegistryFixture.admin)
        let schema = try RegistryTransferTests.emptySchema()
        defer { RegistryTransferTests.dropSchema(schema) }
        let report = try RegistryTransfer(sourcePath: fixture.path, conninfo: RegistryFixture.conninfo(schema: schema),
                                          chain: RegistryFixture.servicePoint).run()
        #expect(report.productionBatches == 1 && report.producedCards == 2)
        let target = try PostgreSQLRegistryStore(conninfo: RegistryFixture.conninfo(schema: schema), auditChain: RegistryFixture.servicePoint)
        defer { try? target.close() }
        let copy = Registry(store: target, clock: fixture.clock, policy: fixture.policy, servicePoint: RegistryFixture.servicePoint)
        guard case .alreadyImported = try copy.importBatch(batch, actor: RegistryFixture.admin) else {
            Issue.record("the moved registry did not know the batch")
            return
        }
        #expect(throws: RegistryError.self) {
            try copy.bind(applicationId: applications[1].id,
                          chip: ChipIdentity(cardNumber: RegistryFixture.cardNumber(901), cardId: RegistryFixture.cardId(901),
                                             ssn: applications[1].ssn), actor: RegistryFixture.counter)
        }
    }
}
