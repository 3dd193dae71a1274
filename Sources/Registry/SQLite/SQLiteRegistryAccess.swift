import SQLiteStore
import SSCardValues

/// The registry's reads and writes on one SQLite connection. Every statement
/// text is a constant, so the connection's statement cache prepares each once.
struct SQLiteRegistryAccess: RegistryWriting {
    let db: Connection
    /// Inside a write: the cards this transaction changes, for the status
    /// cache once the commit is durable.
    var changes: CardChanges? = nil
    /// One file, one service point: the SQLite engine keeps a single chain.
    var auditChain: String { "" }
    /// Seals appended entries and checks keyed ones; never stored.
    var auditKey: AuditKey? = nil

    static let cardColumns = """
        card_number, card_id, ssn, application_id, state, previous_state, loss_deadline,
        electronic_credential, replaced_by, updated_at, generation, bank_function, chip_blocked
        """
    /// The stage as reported (`RegistryRows.applicationStage`): selects
    /// name the table `applications`, unaliased.
    static let applicationColumns = """
        id, ssn, kind, replaces_card, replacement_reason, \(RegistryRows.applicationStage("applications")), fee_fen, rejection_reason, card_number,
        created_at, updated_at, fee_settlement, new_name, channel, expected_date, delivery
        """
    static let auditColumns = """
        seq, at, actor, role, channel, service_point, action, outcome, card_number, ssn, application_id,
        document, proxy_ssn, old_state, new_state, reason, detail, prev_hash, hash, keyed
        """

    // Statement texts built once: the statement cache is keyed by the text,
    // and building it per call would cost more than the cached lookup saves.
    static let selectDueLosses = "SELECT card_number FROM cards WHERE loss_deadline IS NOT NULL AND loss_deadline <= ? "
                         + "ORDER BY loss_deadline LIMIT ?"
    static let selectPendingLosses = "SELECT card_number, loss_deadline FROM cards WHERE loss_deadline IS NOT NULL "
                         + "ORDER BY loss_deadline LIMIT ?"
    static let insertHolder = "INSERT INTO holders (ssn, name, phone, address, guardian_ssn, created_at, updated_at) "
                       + "VALUES (?, ?, ?, ?, ?, ?, ?)"
    static let insertApplicationRow = "INSERT INTO applications (ssn, kind, replaces_card, replacement_reason, stage, fee_fen, "
                       + "rejection_reason, card_number, created_at, updated_at, fee_settlement, new_name, channel, "
                       + "expected_date, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let updateCardRow = "UPDATE cards SET state = ?, previous_state = ?, loss_deadline = ?, electronic_credential = ?, "
                       + "replaced_by = ?, updated_at = ?, bank_function = ?, chip_blocked = ? WHERE card_number = ?"
    static let selectCard = "SELECT \(SQLiteRegistryAccess.cardColumns) FROM cards WHERE card_number = ?"
    static let selectCardStatus = "SELECT \(SQLiteRegistryAccess.cardColumns), (SELECT name FROM holders WHERE holders.ssn = cards.ssn) "
                            + "FROM cards WHERE card_number = ?"
    static let selectCardByChip = "SELECT \(SQLiteRegistryAccess.cardColumns) FROM cards WHERE card_id = ?"
    static let selectCardsOfHolder = "SELECT \(SQLiteRegistryAccess.cardColumns) FROM cards WHERE ssn = ? ORDER BY updated_at, card_number"
    static let selectApplication = "SELECT \(SQLiteRegistryAccess.applicationColumns) FROM applications WHERE id = ?"
    static let selectApplicationsOfHolder = "SELECT \(SQLiteRegistryAccess.applicationColumns) FROM applications WHERE ssn = ? ORDER BY id"
    static let selectAuditOfCard = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit WHERE card_number = ? ORDER BY seq LIMIT ?"
    static let selectAuditOfHolder = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit WHERE ssn = ? ORDER BY seq LIMIT ?"
    static let selectAuditOfCardOrHolder = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit WHERE card_number = ? OR ssn = ? ORDER BY seq LIMIT ?"
    static let selectRecentAudit = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit ORDER BY seq DESC LIMIT ?"
    static let selectAuditPage = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit WHERE seq > ? ORDER BY seq LIMIT 4096"
    static let insertCard = "INSERT INTO cards (\(SQLiteRegistryAccess.cardColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let insertAudit = "INSERT INTO audit (\(SQLiteRegistryAccess.auditColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    // MARK: Reading

    func card(_ number: CardNumber) throws -> CardRecord? {
        try db.queryOne(Self.selectCard,
                        [.text(number.rawValue)], RowDecoding.card)
    }

    func cardStatus(_ number: CardNumber) throws -> CardStatus? {
        try db.queryOne(Self.selectCardStatus, [.text(number.rawValue)]) { row in
            CardStatus(card: try RowDecoding.card(row), holderName: HolderName(storedValue: row.string(RegistryRows.cardColumnCount) ?? ""))
        }
    }

    func card(chipId: CardIdentificationCode) throws -> CardRecord? {
        try db.queryOne(Self.selectCardByChip,
                        [.text(chipId.rawValue)], RowDecoding.card)
    }

    func cards(of ssn: SocialSecurityNumber) throws -> [CardRecord] {
        var cards: [CardRecord] = []
        try db.query(Self.selectCardsOfHolder,
                     [.text(ssn.rawValue)]) { cards.append(try RowDecoding.card($0)) }
        return cards
    }

    func holder(_ ssn: SocialSecurityNumber) throws -> Holder? {
        try db.queryOne("SELECT ssn, name, phone, address, guardian_ssn FROM holders WHERE ssn = ?",
                        [.text(ssn.rawValue)], RowDecoding.holder)
    }

    func application(_ id: Int64) throws -> Application? {
        try db.queryOne(Self.selectApplication,
                        [.integer(id)], RowDecoding.application)
    }

    func applications(of ssn: SocialSecurityNumber) throws -> [Application] {
        var applications: [Application] = []
        try db.query(Self.selectApplicationsOfHolder,
                     [.text(ssn.rawValue)]) { applications.append(try RowDecoding.application($0)) }
        return applications
    }

    func auditEntries(cardNumber: CardNumber?, ssn: SocialSecurityNumber?, limit: Int) throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        let collect: (Row) throws -> Void = { entries.append(try RowDecoding.auditEntry($0)) }
        switch (cardNumber, ssn) {
        case let (card?, nil):
            try db.query(Self.selectAuditOfCard,
                         [.text(card.rawValue), .integer(Int64(limit))], collect)
        case let (nil, ssn?):
            try db.query(Self.selectAuditOfHolder,
                         [.text(ssn.rawValue), .integer(Int64(limit))], collect)
        case let (card?, ssn?):
            try db.query(Self.selectAuditOfCardOrHolder,
                         [.text(card.rawValue), .text(ssn.rawValue), .integer(Int64(limit))], collect)
        case (nil, nil):
            try db.query(Self.selectRecentAudit,
                         [.integer(Int64(limit))], collect)
            entries.reverse()
        }
        return entries
    }

    func forEachAuditEntry(_ body: (AuditEntry) throws -> Bool) throws {
        try forEachAuditEntry(inChain: "", from: 0, body)
    }

    func forEachAuditEntry(inChain chain: String, from first: Int64, _ body: (AuditEntry) throws -> Bool) throws {
        guard chain == auditChain else { return }
        // Pages by sequence so that a long walk holds no statement open across pages.
        var after: Int64 = first - 1
        while true {
            var page: [AuditEntry] = []
            try db.query(Self.selectAuditPage,
                         [.integer(after)]) { page.append(try RowDecoding.auditEntry($0)) }
            for entry in page {
                guard try body(entry) else { return }
            }
            guard let last = page.last, page.count == 4096 else { return }
            after = last.sequence
        }
    }

    func lastAuditLink() throws -> (sequence: Int64, hash: [UInt8])? {
        try db.queryOne("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") { row in
            (row.int64(0) ?? 0, row.blob(1) ?? [])
        }
    }

    func earliestLossDeadline() throws -> Timestamp? {
        try db.queryOne("SELECT MIN(loss_deadline) FROM cards WHERE loss_deadline IS NOT NULL") { row in
            row.int64(0).map(Timestamp.init(milliseconds:))
        } ?? nil
    }

    func dueLosses(at now: Timestamp, limit: Int) throws -> [CardNumber] {
        var due: [CardNumber] = []
        try db.query(Self.selectDueLosses, [.integer(now.milliseconds), .integer(Int64(limit))]) {
            due.append(CardNumber(storedValue: $0.string(0) ?? ""))
        }
        return due
    }

    func pendingLosses(limit: Int) throws -> [(cardNumber: CardNumber, deadline: Timestamp)] {
        var pending: [(cardNumber: CardNumber, deadline: Timestamp)] = []
        try db.query(Self.selectPendingLosses, [.integer(Int64(limit))]) { row in
            pending.append((CardNumber(storedValue: row.string(0) ?? ""),
                            Timestamp(milliseconds: row.int64(1) ?? 0)))
        }
        return pending
    }

    func cardCountsByState() throws -> [CardState: Int] {
        var counts: [CardState: Int] = [:]
        try db.query("SELECT state, COUNT(*) FROM cards GROUP BY state") { row in
            if let state = row.string(0).flatMap(CardState.init(rawValue:)) { counts[state] = Int(row.int64(1) ?? 0) }
        }
        return counts
    }

    func aggregate(_ query: ReportQuery, _ parameters: [ColumnValue]) throws -> [[String?]] {
        try db.queryAll(query.sql, parameters.map(SQLiteValue.init)) { row in
            (0..<row.count).map { column -> String? in
                switch row[column] {
                case let .integer(value): return String(value)
                case let .text(text): return text
                case let .real(value): return String(value)
                case .blob, .null: return nil
                }
            }
        }
    }

    // The row value (at, seq) > (?, ?) starts each page's index range at the
    // previous page's end; an OR of the two comparisons would scan the
    // period from its start for every page.
    static let selectAuditPeriodPage = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit "
        + "WHERE (at, seq) > (?, ?) AND at < ? ORDER BY at, seq LIMIT 4096"
    static let selectAuditPeriodPageAtPoint = "SELECT \(SQLiteRegistryAccess.auditColumns) FROM audit "
        + "WHERE service_point = ? AND (at, seq) > (?, ?) AND at < ? ORDER BY at, seq LIMIT 4096"

    func forEachAuditEntry(from: Timestamp, to: Timestamp, servicePoint: String?,
                           _ body: (AuditEntry) throws -> Bool) throws {
        // Pages by (at, seq) on the audit_by_time index: no statement stays open across pages.
        var after = (at: from.milliseconds - 1, seq: Int64.max)
        while true {
            var page: [AuditEntry] = []
            var values: [SQLiteValue] = [.integer(after.at), .integer(after.seq), .integer(to.milliseconds)]
            if let servicePoint { values.insert(.text(servicePoint), at: 0) }
            try db.query(servicePoint == nil ? Self.selectAuditPeriodPage : Self.selectAuditPeriodPageAtPoint, values) {
                page.append(try RowDecoding.auditEntry($0))
            }
            for entry in page {
                guard try body(entry) else { return }
            }
            guard let last = page.last, page.count == 4096 else { return }
            after = (last.at.milliseconds, last.sequence)
        }
    }

    // MARK: Writing

    func insert(_ holder: Holder, at time: Timestamp) throws {
        try db.run(Self.insertHolder,
                   [.text(holder.ssn.rawValue), .text(holder.name.rawValue), .optionalText(holder.phone),
                    .optionalText(holder.address), .optionalText(holder.guardianSsn?.rawValue),
                    .integer(time.milliseconds), .integer(time.milliseconds)])
    }

    func update(_ holder: Holder, at time: Timestamp) throws {
        try db.run("UPDATE holders SET name = ?, phone = ?, address = ?, guardian_ssn = ?, updated_at = ? WHERE ssn = ?",
                   [.text(holder.name.rawValue), .optionalText(holder.phone), .optionalText(holder.address),
                    .optionalText(holder.guardianSsn?.rawValue), .integer(time.milliseconds),
                    .text(holder.ssn.rawValue)])
        // The cached statuses of the holder's cards carry the old name.
        if let changes {
            for card in try cards(of: holder.ssn) { changes.append(.forget(card.cardNumber)) }
        }
    }

    func insertApplication(_ application: Application) throws -> Int64 {
        try db.run(Self.insertApplicationRow,
                   RowDecoding.applicationValues(application))
        return db.lastInsertRowID
    }

    func update(_ application: Application) throws {
        try db.run("UPDATE applications SET stage = ?, rejection_reason = ?, card_number = ?, updated_at = ? WHERE id = ?",
                   [.text(application.stage.rawValue), .optionalText(application.rejectionReason),
                    .optionalText(application.cardNumber?.rawValue), .integer(application.updatedAt.milliseconds),
                    .integer(application.id)])
    }

    func insert(_ card: CardRecord) throws {
        try db.run(Self.insertCard,
                   RowDecoding.cardValues(card))
        changes?.append(.forget(card.cardNumber))
    }

    func update(_ card: CardRecord) throws {
        let values = RowDecoding.cardValues(card)
        try db.run(Self.updateCardRow,
                   Array(values[4...9]) + [values[11], values[12], values[0]])
        changes?.append(.updated(card))
    }

    func append(_ entry: AuditEntry) throws {
        try db.run(Self.insertAudit,
                   RowDecoding.auditValues(entry))
    }
}
