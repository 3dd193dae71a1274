import SQLiteStore
import SSCardValues

extension SQLiteValue {
    static func optionalText(_ text: String?) -> SQLiteValue { text.map(SQLiteValue.text) ?? .null }
    static func optionalInteger(_ value: Int64?) -> SQLiteValue { value.map(SQLiteValue.integer) ?? .null }
}

/// Rows to registry values and back. Stored values were validated when they
/// went in, so they are rebuilt without validating again (`storedValue:`);
/// an enum value the schema does not know is reported as corruption.
enum RowDecoding {
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

    static func card(_ row: Row) throws -> CardRecord {
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

    static func cardValues(_ card: CardRecord) -> [SQLiteValue] {
        [.text(card.cardNumber.rawValue), .text(card.cardId.rawValue), .text(card.ssn.rawValue),
         .optionalInteger(card.applicationId), .text(card.state.rawValue), .optionalText(card.previousState?.rawValue),
         .optionalInteger(card.lossDeadline?.milliseconds),
         .optionalInteger(card.electronicCredentialContinues.map { $0 ? 1 : 0 }),
         .optionalText(card.replacedBy?.rawValue), .integer(card.updatedAt.milliseconds)]
    }

    static func holder(_ row: Row) throws -> Holder {
        Holder(ssn: SocialSecurityNumber(storedValue: row.string(0) ?? ""),
               name: HolderName(storedValue: row.string(1) ?? ""),
               phone: row.string(2), address: row.string(3),
               guardianSsn: row.string(4).map(SocialSecurityNumber.init(storedValue:)))
    }

    static func application(_ row: Row) throws -> Application {
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

    static func applicationValues(_ application: Application) -> [SQLiteValue] {
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

    static func auditEntry(_ row: Row) throws -> AuditEntry {
        guard let role = row.string(3).flatMap(Actor.Role.init(rawValue:)),
              let channel = row.string(4).flatMap(Actor.Channel.init(rawValue:)),
              let outcome = row.string(7).flatMap(AuditEntry.Outcome.init(rawValue:)),
              let document = row.string(11).flatMap(Evidence.Document.init(rawValue:)) else {
            throw CorruptRow(table: "audit", column: "role/channel/outcome/document")
        }
        return AuditEntry(
            sequence: row.int64(0) ?? 0, at: Timestamp(milliseconds: row.int64(1) ?? 0),
            actor: Actor(id: row.string(2) ?? "", role: role, channel: channel, servicePoint: row.string(5) ?? ""),
            action: row.string(6) ?? "", outcome: outcome, cardNumber: row.string(8), ssn: row.string(9),
            applicationId: row.int64(10),
            evidence: Evidence(document: document, proxySsn: row.string(12).map(SocialSecurityNumber.init(storedValue:))),
            oldState: row.string(13), newState: row.string(14), reason: row.string(15), detail: row.string(16),
            previousHash: row.blob(17) ?? [], hash: row.blob(18) ?? [])
    }

    static func auditValues(_ entry: AuditEntry) -> [SQLiteValue] {
        [.integer(entry.sequence), .integer(entry.at.milliseconds), .text(entry.actor.id),
         .text(entry.actor.role.rawValue), .text(entry.actor.channel.rawValue), .text(entry.actor.servicePoint),
         .text(entry.action), .text(entry.outcome.rawValue), .optionalText(entry.cardNumber), .optionalText(entry.ssn),
         .optionalInteger(entry.applicationId), .text(entry.evidence.document.rawValue),
         .optionalText(entry.evidence.proxySsn?.rawValue), .optionalText(entry.oldState), .optionalText(entry.newState),
         .optionalText(entry.reason), .optionalText(entry.detail), .blob(entry.previousHash), .blob(entry.hash)]
    }
}
