import PostgreSQLStore
import Registry
import SSCardValues

/// Rows to registry values and back, as `RowDecoding` does for SQLite: stored
/// values were validated when they went in and are rebuilt without
/// validating again; an enum value the schema does not know is corruption.
enum PGRowDecoding {
    struct CorruptRow: Error, CustomStringConvertible {
        let table: String
        let column: String
        var description: String { "unexpected value in \(table).\(column)" }
    }

    static func state(_ text: String?, column: String) throws -> CardState? {
        guard let text else { return nil }
        guard let state = CardState(rawValue: text) else { throw CorruptRow(table: "cards", column: column) }
        return state
    }

    static func card(_ row: PGRow) throws -> CardRecord {
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
            updatedAt: Timestamp(milliseconds: row.int64(9) ?? 0))
    }

    static func cardValues(_ card: CardRecord) -> [PGValue] {
        [.text(card.cardNumber.rawValue), .text(card.cardId.rawValue), .text(card.ssn.rawValue),
         .optionalInteger(card.applicationId), .text(card.state.rawValue), .optionalText(card.previousState?.rawValue),
         .optionalInteger(card.lossDeadline?.milliseconds),
         .optionalInteger(card.electronicCredentialContinues.map { $0 ? 1 : 0 }),
         .optionalText(card.replacedBy?.rawValue), .integer(card.updatedAt.milliseconds)]
    }

    static func holder(_ row: PGRow) throws -> Holder {
        Holder(ssn: SocialSecurityNumber(storedValue: row.string(0) ?? ""),
               name: HolderName(storedValue: row.string(1) ?? ""),
               phone: row.string(2), address: row.string(3),
               guardianSsn: row.string(4).map(SocialSecurityNumber.init(storedValue:)))
    }

    static func application(_ row: PGRow) throws -> Application {
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
        return Application(id: row.int64(0) ?? 0, ssn: SocialSecurityNumber(storedValue: row.string(1) ?? ""),
                           kind: kind, stage: stage, feeFen: Int(row.int64(6) ?? 0), rejectionReason: row.string(7),
                           cardNumber: row.string(8).map(CardNumber.init(storedValue:)),
                           createdAt: Timestamp(milliseconds: row.int64(9) ?? 0),
                           updatedAt: Timestamp(milliseconds: row.int64(10) ?? 0))
    }

    static func applicationValues(_ application: Application) -> [PGValue] {
        let (kind, replaces, reason): (String, String?, String?)
        switch application.kind {
        case .first: (kind, replaces, reason) = ("first", nil, nil)
        case let .replacement(card, why): (kind, replaces, reason) = ("replacement", card.rawValue, why.rawValue)
        }
        return [.text(application.ssn.rawValue), .text(kind), .optionalText(replaces), .optionalText(reason),
                .text(application.stage.rawValue), .integer(Int64(application.feeFen)),
                .optionalText(application.rejectionReason), .optionalText(application.cardNumber?.rawValue),
                .integer(application.createdAt.milliseconds), .integer(application.updatedAt.milliseconds)]
    }

    /// Columns as in `PostgreSQLRegistryAccess.auditColumns`: chain first, then SQLite's order.
    static func auditEntry(_ row: PGRow) throws -> AuditEntry {
        guard let role = row.string(4).flatMap(Actor.Role.init(rawValue:)),
              let channel = row.string(5).flatMap(Actor.Channel.init(rawValue:)),
              let outcome = row.string(8).flatMap(AuditEntry.Outcome.init(rawValue:)),
              let document = row.string(12).flatMap(Evidence.Document.init(rawValue:)) else {
            throw CorruptRow(table: "audit", column: "role/channel/outcome/document")
        }
        return AuditEntry(
            sequence: row.int64(1) ?? 0, at: Timestamp(milliseconds: row.int64(2) ?? 0),
            actor: Actor(id: row.string(3) ?? "", role: role, channel: channel, servicePoint: row.string(6) ?? ""),
            action: row.string(7) ?? "", outcome: outcome, cardNumber: row.string(9), ssn: row.string(10),
            applicationId: row.int64(11),
            evidence: Evidence(document: document, proxySsn: row.string(13).map(SocialSecurityNumber.init(storedValue:))),
            oldState: row.string(14), newState: row.string(15), reason: row.string(16), detail: row.string(17),
            previousHash: row.bytes(18) ?? [], hash: row.bytes(19) ?? [], chain: row.string(0) ?? "")
    }

    static func auditValues(_ entry: AuditEntry) -> [PGValue] {
        [.text(entry.chain), .integer(entry.sequence), .integer(entry.at.milliseconds), .text(entry.actor.id),
         .text(entry.actor.role.rawValue), .text(entry.actor.channel.rawValue), .text(entry.actor.servicePoint),
         .text(entry.action), .text(entry.outcome.rawValue), .optionalText(entry.cardNumber), .optionalText(entry.ssn),
         .optionalInteger(entry.applicationId), .text(entry.evidence.document.rawValue),
         .optionalText(entry.evidence.proxySsn?.rawValue), .optionalText(entry.oldState), .optionalText(entry.newState),
         .optionalText(entry.reason), .optionalText(entry.detail), .bytes(entry.previousHash), .bytes(entry.hash)]
    }
}
