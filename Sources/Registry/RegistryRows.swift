import SSCardValues

/// A stored row as the registry's decoders read it, whatever the engine.
public protocol StoredRow {
    func string(_ column: Int) -> String?
    func int64(_ column: Int) -> Int64?
    func bytes(_ column: Int) -> [UInt8]?
}

/// A value for a column or a statement parameter, whatever the engine.
public enum ColumnValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case bytes([UInt8])

    public static func optionalText(_ text: String?) -> ColumnValue { text.map(ColumnValue.text) ?? .null }
    public static func optionalInteger(_ value: Int64?) -> ColumnValue { value.map(ColumnValue.integer) ?? .null }
}

/// Rows to registry values and back, for every engine. Stored values were
/// validated when they went in, so they are rebuilt without validating again
/// (`storedValue:`); an enum value the schema does not know is corruption.
public enum RegistryRows {
    public struct CorruptRow: Error, CustomStringConvertible {
        public let table: String
        public let column: String
        public var description: String { "unexpected value in \(table).\(column)" }
    }

    public static func state(_ text: String?, column: String) throws -> CardState? {
        guard let text else { return nil }
        guard let state = CardState(rawValue: text) else { throw CorruptRow(table: "cards", column: column) }
        return state
    }

    public static func card(_ row: some StoredRow) throws -> CardRecord {
        guard let state = try state(row.string(4), column: "state") else {
            throw CorruptRow(table: "cards", column: "state")
        }
        return CardRecord(
            cardNumber: CardNumber(storedValue: row.string(0) ?? ""),
            cardId: CardIdentificationCode(storedValue: row.string(1) ?? ""),
            ssn: SocialSecurityNumber(storedValue: row.string(2) ?? ""),
            applicationId: row.int64(3),
            state: state,
            previousState: try self.state(row.string(5), column: "previous_state"),
            lossDeadline: row.int64(6).map(Timestamp.init(milliseconds:)),
            electronicCredentialContinues: row.int64(7).map { $0 != 0 },
            replacedBy: row.string(8).map(CardNumber.init(storedValue:)),
            generation: row.int64(10).map { Int($0) },
            bankFunction: try bankFunction(row.string(11)),
            chipBlocked: (row.int64(12) ?? 0) != 0,
            updatedAt: Timestamp(milliseconds: row.int64(9) ?? 0))
    }

    /// Columns in a card row (`cardValues`); a query that adds the holder's
    /// name after them reads it at this index.
    public static let cardColumnCount = 13

    static func bankFunction(_ text: String?) throws -> BankFunction {
        guard let function = BankFunction(rawValue: text ?? "") else { throw CorruptRow(table: "cards", column: "bank_function") }
        return function
    }

    public static func cardValues(_ card: CardRecord) -> [ColumnValue] {
        [.text(card.cardNumber.rawValue), .text(card.cardId.rawValue), .text(card.ssn.rawValue),
         .optionalInteger(card.applicationId), .text(card.state.rawValue), .optionalText(card.previousState?.rawValue),
         .optionalInteger(card.lossDeadline?.milliseconds),
         .optionalInteger(card.electronicCredentialContinues.map { $0 ? 1 : 0 }),
         .optionalText(card.replacedBy?.rawValue), .integer(card.updatedAt.milliseconds),
         .optionalInteger(card.generation.map(Int64.init)), .text(card.bankFunction.rawValue),
         .integer(card.chipBlocked ? 1 : 0)]
    }

    public static func holder(_ row: some StoredRow) throws -> Holder {
        Holder(ssn: SocialSecurityNumber(storedValue: row.string(0) ?? ""),
               name: HolderName(storedValue: row.string(1) ?? ""),
               phone: row.string(2), address: row.string(3),
               guardianSsn: row.string(4).map(SocialSecurityNumber.init(storedValue:)))
    }

    public static func application(_ row: some StoredRow) throws -> Application {
        let kind: Application.Kind
        switch row.string(2) {
        case "first":
            kind = .first
        case "replacement":
            guard let reason = row.string(4).flatMap(ReplacementReason.init(rawValue:)), let card = row.string(3) else {
                throw CorruptRow(table: "applications", column: "replacement_reason")
            }
            kind = .replacement(of: CardNumber(storedValue: card), reason: reason)
        default:
            throw CorruptRow(table: "applications", column: "kind")
        }
        guard let stage = row.string(5).flatMap(ApplicationStage.init(rawValue:)) else {
            throw CorruptRow(table: "applications", column: "stage")
        }
        guard let settlement = row.string(11).flatMap(FeeSettlement.init(rawValue:)) else {
            throw CorruptRow(table: "applications", column: "fee_settlement")
        }
        return Application(id: row.int64(0) ?? 0, ssn: SocialSecurityNumber(storedValue: row.string(1) ?? ""),
                           kind: kind, stage: stage, feeFen: Int(row.int64(6) ?? 0), feeSettlement: settlement,
                           newName: row.string(12).map(HolderName.init(storedValue:)), rejectionReason: row.string(7),
                           cardNumber: row.string(8).map(CardNumber.init(storedValue:)),
                           createdAt: Timestamp(milliseconds: row.int64(9) ?? 0),
                           updatedAt: Timestamp(milliseconds: row.int64(10) ?? 0),
                           channel: try row.string(13).map { text in
                               guard let channel = ApplicationChannel(rawValue: text) else {
                                   throw CorruptRow(table: "applications", column: "channel")
                               }
                               return channel
                           },
                           expectedDate: try row.string(14).map { text in
                               guard let date = try? CalendarDate(text) else {
                                   throw CorruptRow(table: "applications", column: "expected_date")
                               }
                               return date
                           },
                           delivery: try row.string(15).map { text in
                               guard let delivery = Delivery(recorded: text) else {
                                   throw CorruptRow(table: "applications", column: "delivery")
                               }
                               return delivery
                           })
    }

    public static func applicationValues(_ application: Application) -> [ColumnValue] {
        let (kind, replaces, reason): (String, String?, String?)
        switch application.kind {
        case .first: (kind, replaces, reason) = ("first", nil, nil)
        case let .replacement(card, why): (kind, replaces, reason) = ("replacement", card.rawValue, why.rawValue)
        }
        return [.text(application.ssn.rawValue), .text(kind), .optionalText(replaces), .optionalText(reason),
                .text(application.stage.rawValue), .integer(Int64(application.feeFen)),
                .optionalText(application.rejectionReason), .optionalText(application.cardNumber?.rawValue),
                .integer(application.createdAt.milliseconds), .integer(application.updatedAt.milliseconds),
                .text(application.feeSettlement.rawValue), .optionalText(application.newName?.rawValue),
                .optionalText(application.channel?.rawValue), .optionalText(application.expectedDate?.description),
                .optionalText(application.delivery?.recorded)]
    }

    /// Audit columns in `SQLiteRegistryAccess.auditColumns` order; with
    /// `chainFirst`, a `chain` column comes before them (the PostgreSQL engine).
    public static func auditEntry(_ row: some StoredRow, chainFirst: Bool = false) throws -> AuditEntry {
        let c = chainFirst ? 1 : 0
        guard let role = row.string(c + 3).flatMap(Actor.Role.init(rawValue:)),
              let channel = row.string(c + 4).flatMap(Actor.Channel.init(rawValue:)),
              let outcome = row.string(c + 7).flatMap(AuditEntry.Outcome.init(rawValue:)),
              let evidence = row.string(c + 11).flatMap({
                  Evidence(recorded: $0, proxySsn: row.string(c + 12).map(SocialSecurityNumber.init(storedValue:)))
              }) else {
            throw CorruptRow(table: "audit", column: "role/channel/outcome/document")
        }
        return AuditEntry(
            sequence: row.int64(c + 0) ?? 0, at: Timestamp(milliseconds: row.int64(c + 1) ?? 0),
            actor: Actor(id: row.string(c + 2) ?? "", role: role, channel: channel, servicePoint: row.string(c + 5) ?? ""),
            action: AuditAction(rawValue: row.string(c + 6) ?? ""), outcome: outcome, cardNumber: row.string(c + 8), ssn: row.string(c + 9),
            applicationId: row.int64(c + 10),
            evidence: evidence,
            oldState: row.string(c + 13), newState: row.string(c + 14), reason: row.string(c + 15),
            detail: row.string(c + 16), previousHash: row.bytes(c + 17) ?? [], hash: row.bytes(c + 18) ?? [],
            chain: chainFirst ? row.string(0) ?? "" : "", keyed: (row.int64(c + 19) ?? 0) != 0)
    }

    public static func auditValues(_ entry: AuditEntry, chainFirst: Bool = false) -> [ColumnValue] {
        (chainFirst ? [.text(entry.chain)] : []) + [.integer(entry.sequence), .integer(entry.at.milliseconds), .text(entry.actor.id),
         .text(entry.actor.role.rawValue), .text(entry.actor.channel.rawValue), .text(entry.actor.servicePoint),
         .text(entry.action.rawValue), .text(entry.outcome.rawValue), .optionalText(entry.cardNumber), .optionalText(entry.ssn),
         .optionalInteger(entry.applicationId), .text(entry.evidence.recorded),
         .optionalText(entry.evidence.proxySsn?.rawValue), .optionalText(entry.oldState), .optionalText(entry.newState),
         .optionalText(entry.reason), .optionalText(entry.detail), .bytes(entry.previousHash), .bytes(entry.hash),
         .integer(entry.keyed ? 1 : 0)]
    }
}
