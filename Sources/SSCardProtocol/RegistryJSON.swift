import Registry
import SSCardInterfaces
import SSCardValues
import Varlink

/// Registry values as the org.sscard.Registry interface spells them.
public enum RegistryJSON {
    public static func card(_ status: CardStatus) -> JSONValue {
        card(status.card, name: status.holderName)
    }

    public static func card(_ card: CardRecord, name: HolderName) -> JSONValue {
        var object: [WireKey: JSONValue] = [
            .cardNumber: .string(card.cardNumber.rawValue),
            .cardId: .string(card.cardId.rawValue),
            .state: .string(card.state.rawValue),
            .ssn: .string(card.ssn.rawValue),
            .name: .string(name.rawValue),
        ]
        if let previous = card.previousState { object[.previousState] = .string(previous.rawValue) }
        if let deadline = card.lossDeadline { object[.lossExpiresAt] = .string(deadline.rfc3339) }
        if let continues = card.electronicCredentialContinues { object[.electronicCredentialContinues] = .bool(continues) }
        if let replacement = card.replacedBy { object[.replacedBy] = .string(replacement.rawValue) }
        if let generation = card.generation { object[.generation] = .int(Int64(generation)) }
        object[.bankFunction] = .string(card.bankFunction.rawValue)
        object[.chipBlocked] = .bool(card.chipBlocked)
        return .fields(object)
    }

    public static func holder(_ holder: Holder) -> JSONValue {
        var object: [WireKey: JSONValue] = [.ssn: .string(holder.ssn.rawValue), .name: .string(holder.name.rawValue)]
        if let phone = holder.phone { object[.phone] = .string(phone) }
        if let address = holder.address { object[.address] = .string(address) }
        if let guardian = holder.guardianSsn { object[.guardianSsn] = .string(guardian.rawValue) }
        return .fields(object)
    }

    public static func application(_ application: Application) -> JSONValue {
        var object: [WireKey: JSONValue] = [
            .applicationId: .int(application.id),
            .ssn: .string(application.ssn.rawValue),
            .kind: .string(application.replaces == nil ? "first" : "replacement"),
            .stage: .string(application.stage.rawValue),
            .feeFen: .int(Int64(application.feeFen)),
            .feeSettlement: .string(application.feeSettlement.rawValue),
            .createdAt: .string(application.createdAt.rfc3339),
            .updatedAt: .string(application.updatedAt.rfc3339),
        ]
        if case let .replacement(card, reason) = application.kind {
            object[.replaces] = .string(card.rawValue)
            object[.replacementReason] = .string(reason.rawValue)
        }
        if let name = application.newName { object[.newName] = .string(name.rawValue) }
        if let reason = application.rejectionReason { object[.rejectionReason] = .string(reason) }
        if let card = application.cardNumber { object[.cardNumber] = .string(card.rawValue) }
        if let channel = application.channel { object[.channel] = .string(channel.rawValue) }
        if let date = application.expectedDate { object[.expectedDate] = .string(date.description) }
        if let delivery = application.delivery { object[.delivery] = Self.delivery(delivery) }
        return .fields(object)
    }

    public static func delivery(_ delivery: Delivery) -> JSONValue {
        switch delivery {
        case let .collect(place): return .fields([.kind: "collect", .place: .string(place)])
        case let .mail(address): return .fields([.kind: "mail", .address: .string(address)])
        }
    }

    /// A call's `delivery`: collect needs a place, mail an address.
    public static func delivery(_ parameters: Parameters?) throws(VarlinkError) -> Delivery? {
        guard let parameters else { return nil }
        switch try parameters.string(.kind) {
        case "collect":
            return .collect(place: try deliveryText(parameters, .place))
        case "mail":
            return .mail(address: try deliveryText(parameters, .address))
        case let other:
            throw parameters.invalidValue(path: "delivery.kind", "\(PrintableText.quoted(other)) is not collect or mail")
        }
    }

    private static func deliveryText(_ parameters: Parameters, _ key: WireKey) throws(VarlinkError) -> String {
        let text = try parameters.string(key)
        do {
            return try PrintableText.checked(text, field: "delivery.\(key.rawValue)", limit: Parameters.TextLimit.address)
        } catch {
            throw parameters.invalidValue(path: "delivery.\(key.rawValue)", error.description)
        }
    }

    /// The Monitor reply that says changes may have been missed (`action`
    /// "gap", `actor` "system", and why): a client that shows registry state
    /// re-reads it. Old clients see one more action they do not know.
    public static func monitorGap(reason: String) -> JSONValue {
        .fields([.action: "gap", .actor: "system", .reason: .string(reason)])
    }

    public static func auditEntry(_ entry: AuditEntry) -> JSONValue {
        var object: [WireKey: JSONValue] = [
            .sequence: .int(entry.sequence),
            .at: .string(entry.at.rfc3339),
            .actor: .string(entry.actor.id),
            .role: .string(entry.actor.role.rawValue),
            .channel: .string(entry.actor.channel.rawValue),
            .servicePoint: .string(entry.actor.servicePoint),
            .action: .string(entry.action.rawValue),
            .outcome: .string(entry.outcome.rawValue),
            .document: .string(entry.evidence.document.rawValue),
            .hash: .string(Hex.encode(entry.hash)),
        ]
        let optional: [(WireKey, String?)] = [
            (.cardNumber, entry.cardNumber), (.ssn, entry.ssn), (.proxySsn, entry.evidence.proxySsn?.rawValue),
            (.oldState, entry.oldState), (.newState, entry.newState), (.reason, entry.reason), (.detail, entry.detail),
        ]
        for case let (key, value?) in optional { object[key] = .string(value) }
        if let id = entry.applicationId { object[.applicationId] = .int(id) }
        object.merge(evidenceDetail(entry.evidence)) { $1 }
        return .fields(object)
    }

    /// What staff must tell the holder with every loss report: the bank
    /// (financial) function of the card is reported lost separately.
    public static let lossReminder: JSONValue = .fields([
        .zh: "请同时向发卡银行挂失社会保障卡的金融功能。",
        .en: "Please also report the loss of the card's financial (bank) function to the issuing bank.",
    ])
}
