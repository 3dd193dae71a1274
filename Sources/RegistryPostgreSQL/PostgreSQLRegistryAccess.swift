import PostgreSQLStore
import Registry
import SSCardValues

/// The registry's reads and writes on one PostgreSQL connection.
///
/// Inside a write (`locking`), every read of a row the transaction may change
/// takes that row's lock (`FOR UPDATE`) and keeps it until commit: two
/// daemons acting on one card queue on its row, and the second sees the
/// first's committed result (READ COMMITTED re-reads a row it waited for), so
/// it gets the lifecycle's clear refusal instead of a lost update. Reads of a
/// holder's cards or applications lock the holder's row first, which
/// serializes everything done for one holder (no phantom second application).
struct PostgreSQLRegistryAccess: RegistryWriting {
    let db: PGConnection
    let auditChain: String
    let locking: Bool
    /// Also refuse to release a loss before the database server's clock says
    /// so, guarding against a daemon host whose clock runs ahead.
    let serverClockGuard: Bool
    /// This store's id in change notifications, so its own listener skips
    /// what the daemon has already published.
    var origin = ""
    /// Seals appended entries and checks keyed ones; never stored.
    var auditKey: AuditKey? = nil
    /// What this transaction knows of its chain's head once it holds the head's
    /// lock: later appends in the same transaction (a batch of auto-releases)
    /// need not read it again.
    let chainHead = ChainHead()

    final class ChainHead {
        var link: (sequence: Int64, hash: [UInt8])?
        var locked = false
    }

    var forUpdate: String { locking ? " FOR UPDATE" : "" }

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
        chain, seq, at, actor, role, channel, service_point, action, outcome, card_number, ssn, application_id,
        document, proxy_ssn, old_state, new_state, reason, detail, prev_hash, hash, keyed
        """
    static let serverNowMilliseconds = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"

    // MARK: Reading

    func card(_ number: CardNumber) throws -> CardRecord? {
        try db.queryOne("SELECT \(Self.cardColumns) FROM cards WHERE card_number = $1\(forUpdate)",
                        [.text(number.rawValue)], PGRowDecoding.card)
    }

    func cardStatus(_ number: CardNumber) throws -> CardStatus? {
        try db.queryOne("SELECT \(Self.cardColumns), (SELECT name FROM holders WHERE holders.ssn = cards.ssn) "
                            + "FROM cards WHERE card_number = $1", [.text(number.rawValue)]) { row in
            CardStatus(card: try PGRowDecoding.card(row), holderName: HolderName(storedValue: row.string(RegistryRows.cardColumnCount) ?? ""))
        }
    }

    func card(chipId: CardIdentificationCode) throws -> CardRecord? {
        try db.queryOne("SELECT \(Self.cardColumns) FROM cards WHERE card_id = $1\(forUpdate)",
                        [.text(chipId.rawValue)], PGRowDecoding.card)
    }

    private func lockHolder(_ ssn: SocialSecurityNumber) throws {
        if locking { try db.query("SELECT 1 FROM holders WHERE ssn = $1 FOR UPDATE", [.text(ssn.rawValue)]) }
    }

    func cards(of ssn: SocialSecurityNumber) throws -> [CardRecord] {
        try lockHolder(ssn)
        return try db.query("SELECT \(Self.cardColumns) FROM cards WHERE ssn = $1 ORDER BY updated_at, card_number\(forUpdate)",
                            [.text(ssn.rawValue)]).map(PGRowDecoding.card)
    }

    func holder(_ ssn: SocialSecurityNumber) throws -> Holder? {
        try db.queryOne("SELECT ssn, name, phone, address, guardian_ssn FROM holders WHERE ssn = $1\(forUpdate)",
                        [.text(ssn.rawValue)], PGRowDecoding.holder)
    }

    func application(_ id: Int64) throws -> Application? {
        try db.queryOne("SELECT \(Self.applicationColumns) FROM applications WHERE id = $1\(forUpdate)",
                        [.integer(id)], PGRowDecoding.application)
    }

    func applications(of ssn: SocialSecurityNumber) throws -> [Application] {
        try lockHolder(ssn)
        return try db.query("SELECT \(Self.applicationColumns) FROM applications WHERE ssn = $1 ORDER BY id\(forUpdate)",
                            [.text(ssn.rawValue)]).map(PGRowDecoding.application)
    }

    func auditEntries(cardNumber: CardNumber?, ssn: SocialSecurityNumber?, limit: Int) throws -> [AuditEntry] {
        let select = "SELECT \(Self.auditColumns) FROM audit"
        switch (cardNumber, ssn) {
        case let (card?, nil):
            return try db.query("\(select) WHERE card_number = $1 ORDER BY id LIMIT $2",
                                [.text(card.rawValue), .integer(Int64(limit))]).map(PGRowDecoding.auditEntry)
        case let (nil, ssn?):
            return try db.query("\(select) WHERE ssn = $1 ORDER BY id LIMIT $2",
                                [.text(ssn.rawValue), .integer(Int64(limit))]).map(PGRowDecoding.auditEntry)
        case let (card?, ssn?):
            return try db.query("\(select) WHERE card_number = $1 OR ssn = $2 ORDER BY id LIMIT $3",
                                [.text(card.rawValue), .text(ssn.rawValue), .integer(Int64(limit))])
                .map(PGRowDecoding.auditEntry)
        case (nil, nil):
            return try db.query("\(select) ORDER BY id DESC LIMIT $1", [.integer(Int64(limit))])
                .map(PGRowDecoding.auditEntry).reversed()
        }
    }

    /// The newest `limit` entries of one chain, oldest first (the open check's tail).
    func chainTail(_ chain: String, limit: Int) throws -> [AuditEntry] {
        try db.query("SELECT \(Self.auditColumns) FROM audit WHERE chain = $1 ORDER BY seq DESC LIMIT $2",
                     [.text(chain), .integer(Int64(limit))]).map(PGRowDecoding.auditEntry).reversed()
    }

    func forEachAuditEntry(inChain chain: String, from first: Int64, _ body: (AuditEntry) throws -> Bool) throws {
        var after = first - 1
        while true {
            let page = try db.query("SELECT \(Self.auditColumns) FROM audit WHERE chain = $1 AND seq > $2 "
                                        + "ORDER BY seq LIMIT 4096",
                                    [.text(chain), .integer(after)]).map(PGRowDecoding.auditEntry)
            for entry in page {
                guard try body(entry) else { return }
            }
            guard let last = page.last, page.count == 4096 else { return }
            after = last.sequence
        }
    }

    func forEachAuditEntry(_ body: (AuditEntry) throws -> Bool) throws {
        // Keyset pages over (chain, seq): no cursor held open across pages.
        var after: (String, Int64) = ("", -1)
        while true {
            let page = try db.query("SELECT \(Self.auditColumns) FROM audit WHERE (chain, seq) > ($1, $2) "
                                        + "ORDER BY chain, seq LIMIT 4096",
                                    [.text(after.0), .integer(after.1)]).map(PGRowDecoding.auditEntry)
            for entry in page {
                guard try body(entry) else { return }
            }
            guard let last = page.last, page.count == 4096 else { return }
            after = (last.chain, last.sequence)
        }
    }

    func lastAuditLink() throws -> (sequence: Int64, hash: [UInt8])? {
        guard locking else {
            return try db.queryOne("SELECT seq, hash FROM audit WHERE chain = $1 ORDER BY seq DESC LIMIT 1",
                                   [.text(auditChain)]) { ($0.int64(0) ?? 0, $0.bytes(1) ?? []) }
        }
        if chainHead.locked { return chainHead.link }
        // Lock the chain's head until commit: appends to this chain queue
        // here, appends to other chains do not notice.
        let head = "SELECT last_seq, last_hash FROM audit_chains WHERE chain = $1 FOR UPDATE"
        var row = try db.queryOne(head, [.text(auditChain)]) { ($0.int64(0) ?? 0, $0.bytes(1) ?? []) }
        if row == nil {
            try db.query("INSERT INTO audit_chains (chain, last_seq, last_hash) VALUES ($1, 0, $2) "
                             + "ON CONFLICT (chain) DO NOTHING", [.text(auditChain), .bytes(AuditEntry.genesisHash)])
            row = try db.queryOne(head, [.text(auditChain)]) { ($0.int64(0) ?? 0, $0.bytes(1) ?? []) }
        }
        chainHead.locked = true
        guard let row, row.0 > 0 else { return nil }
        chainHead.link = (row.0, row.1)
        return chainHead.link
    }

    func earliestLossDeadline() throws -> Timestamp? {
        try db.queryOne("SELECT MIN(loss_deadline) FROM cards WHERE loss_deadline IS NOT NULL") { row in
            row.int64(0).map(Timestamp.init(milliseconds:))
        } ?? nil
    }

    /// Inside a write, the due rows are locked and rows another keeper holds
    /// are skipped (`FOR UPDATE SKIP LOCKED`): however many daemons watch the
    /// deadlines, each due card goes to exactly one of them, and a card
    /// released meanwhile no longer matches once its lock is granted.
    func dueLosses(at now: Timestamp, limit: Int) throws -> [CardNumber] {
        let guardClause = serverClockGuard ? " AND loss_deadline <= \(Self.serverNowMilliseconds)" : ""
        let lock = locking ? " FOR UPDATE SKIP LOCKED" : ""
        return try db.query("SELECT card_number FROM cards WHERE loss_deadline IS NOT NULL AND loss_deadline <= $1"
                                + "\(guardClause) ORDER BY loss_deadline LIMIT $2\(lock)",
                            [.integer(now.milliseconds), .integer(Int64(limit))])
            .map { CardNumber(storedValue: $0.string(0) ?? "") }
    }

    func pendingLosses(limit: Int) throws -> [(cardNumber: CardNumber, deadline: Timestamp)] {
        try db.query("SELECT card_number, loss_deadline FROM cards WHERE loss_deadline IS NOT NULL "
                         + "ORDER BY loss_deadline LIMIT $1", [.integer(Int64(limit))]).map { row in
            (CardNumber(storedValue: row.string(0) ?? ""), Timestamp(milliseconds: row.int64(1) ?? 0))
        }
    }

    func cardCountsByState() throws -> [CardState: Int] {
        var counts: [CardState: Int] = [:]
        for row in try db.query("SELECT state, COUNT(*) FROM cards GROUP BY state", []) {
            if let state = row.string(0).flatMap(CardState.init(rawValue:)) { counts[state] = Int(row.int64(1) ?? 0) }
        }
        return counts
    }

    func aggregate(_ query: ReportQuery, _ parameters: [ColumnValue]) throws -> [[String?]] {
        try db.query(query.numbered, parameters.map(PGValue.init)).map(\.values)
    }

    func forEachAuditEntry(from: Timestamp, to: Timestamp, servicePoint: String?,
                           _ body: (AuditEntry) throws -> Bool) throws {
        // Pages by (at, id) on the audit_by_time index; id (after the entry's
        // columns) orders entries of one instant across chains.
        var after = (at: from.milliseconds - 1, id: Int64.max)
        let scope = servicePoint == nil ? "" : " AND service_point = $5"
        while true {
            var parameters: [PGValue] = [.integer(from.milliseconds), .integer(to.milliseconds), .integer(after.at),
                                         .integer(after.id)]
            if let servicePoint { parameters.append(.text(servicePoint)) }
            let rows = try db.query("SELECT \(Self.auditColumns), id FROM audit WHERE at >= $1 AND at < $2 "
                                        + "AND (at, id) > ($3, $4)\(scope) ORDER BY at, id LIMIT 4096", parameters)
            for row in rows {
                guard try body(try PGRowDecoding.auditEntry(row)) else { return }
            }
            guard let last = rows.last, rows.count == 4096 else { return }
            after = (last.int64(2) ?? 0, last.int64(21) ?? 0)
        }
    }

    // MARK: Writing

    func insert(_ holder: Holder, at time: Timestamp) throws {
        try db.query("INSERT INTO holders (ssn, name, phone, address, guardian_ssn, created_at, updated_at) "
                         + "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                     [.text(holder.ssn.rawValue), .text(holder.name.rawValue), .optionalText(holder.phone),
                      .optionalText(holder.address), .optionalText(holder.guardianSsn?.rawValue),
                      .integer(time.milliseconds), .integer(time.milliseconds)])
    }

    func update(_ holder: Holder, at time: Timestamp) throws {
        try db.query("UPDATE holders SET name = $1, phone = $2, address = $3, guardian_ssn = $4, updated_at = $5 "
                         + "WHERE ssn = $6",
                     [.text(holder.name.rawValue), .optionalText(holder.phone), .optionalText(holder.address),
                      .optionalText(holder.guardianSsn?.rawValue), .integer(time.milliseconds),
                      .text(holder.ssn.rawValue)])
    }

    func insertApplication(_ application: Application) throws -> Int64 {
        try db.queryOne("INSERT INTO applications (ssn, kind, replaces_card, replacement_reason, stage, fee_fen, "
                            + "rejection_reason, card_number, created_at, updated_at, fee_settlement, new_name, channel, "
                            + "expected_date, delivery) "
                            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                        PGRowDecoding.applicationValues(application)) { $0.int64(0) ?? 0 } ?? 0
    }

    func update(_ application: Application) throws {
        try db.query("UPDATE applications SET stage = $1, rejection_reason = $2, card_number = $3, updated_at = $4 "
                         + "WHERE id = $5",
                     [.text(application.stage.rawValue), .optionalText(application.rejectionReason),
                      .optionalText(application.cardNumber?.rawValue), .integer(application.updatedAt.milliseconds),
                      .integer(application.id)])
    }

    func insert(_ card: CardRecord) throws {
        try db.query("INSERT INTO cards (\(Self.cardColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                     PGRowDecoding.cardValues(card))
    }

    func update(_ card: CardRecord) throws {
        let values = PGRowDecoding.cardValues(card)
        try db.query("UPDATE cards SET state = $1, previous_state = $2, loss_deadline = $3, electronic_credential = $4, "
                         + "replaced_by = $5, updated_at = $6, bank_function = $7, chip_blocked = $8 WHERE card_number = $9",
                     Array(values[4...9]) + [values[11], values[12], values[0]])
    }

    func append(_ entry: AuditEntry) throws {
        try db.query("INSERT INTO audit (\(Self.auditColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                         + "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)", PGRowDecoding.auditValues(entry))
        // The head moves with the entry; a done change also notifies the other
        // daemons (RETURNING calls pg_notify once, for the one row: one round trip for both).
        // Inside the transaction: delivered at commit, never for a rollback.
        let upsert = "INSERT INTO audit_chains (chain, last_seq, last_hash) VALUES ($1, $2, $3) ON CONFLICT (chain) "
            + "DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash"
        if entry.outcome == .done {
            try db.query(upsert + " RETURNING pg_notify($4, $5)",
                         [.text(entry.chain), .integer(entry.sequence), .bytes(entry.hash), .text(RegistryChangeFeed.channel),
                          .text(RegistryChangeFeed.payload(origin: origin, chain: entry.chain, sequence: entry.sequence))])
        } else {
            try db.query(upsert, [.text(entry.chain), .integer(entry.sequence), .bytes(entry.hash)])
        }
        if entry.chain == auditChain && chainHead.locked { chainHead.link = (entry.sequence, entry.hash) }
    }

    // MARK: The change feed

    /// One chain's entries by sequence (what a change notification names).
    func auditEntries(chain: String, sequences: [Int64]) throws -> [AuditEntry] {
        guard !sequences.isEmpty else { return [] }
        return try db.query("SELECT \(Self.auditColumns) FROM audit WHERE chain = $1 AND seq = ANY($2::BIGINT[]) ORDER BY seq",
                            [.text(chain), .text(Self.arrayLiteral(sequences.map(String.init)))]).map(PGRowDecoding.auditEntry)
    }

    /// Every chain's head (its last sequence); none before the first
    /// migration (a feed may listen before any daemon has migrated).
    func chainHeads() throws -> [String: Int64] {
        let rows: [PGRow]
        do {
            rows = try db.query("SELECT chain, last_seq FROM audit_chains")
        } catch {  // typed: PostgreSQLError
            guard error.sqlState == "42P01" else { throw error }  // undefined_table
            return [:]
        }
        return Dictionary(rows.map { ($0.string(0) ?? "", $0.int64(1) ?? 0) }, uniquingKeysWith: max)
    }

    /// The entries of several chains' ranges, in (chain, seq) order, in one query.
    func auditEntries(_ missing: [FeedPosition.Missing]) throws -> [AuditEntry] {
        guard !missing.isEmpty else { return [] }
        return try db.query("SELECT \(Self.auditColumns) FROM audit JOIN unnest($1::TEXT[], $2::BIGINT[], $3::BIGINT[]) "
                                + "AS missing(missing_chain, after_seq, through_seq) "
                                + "ON chain = missing_chain AND seq > after_seq AND seq <= through_seq ORDER BY chain, seq",
                            [.text(Self.arrayLiteral(missing.map(\.chain), quoted: true)),
                             .text(Self.arrayLiteral(missing.map { String($0.after) })),
                             .text(Self.arrayLiteral(missing.map { String($0.through) }))])
            .map(PGRowDecoding.auditEntry)
    }

    /// An array in PostgreSQL's text form; `quoted` elements may hold any character.
    static func arrayLiteral(_ elements: [String], quoted: Bool = false) -> String {
        let items = quoted
            ? elements.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            : elements
        return "{" + items.joined(separator: ",") + "}"
    }
}
