import Varlink

/// One sscardctl subcommand: how to build its call and how to show the reply.
struct Command: Sendable {
    struct Request: Sendable {
        var method: String
        var parameters: JSONValue
        var more = false
        /// The call streams `progress` replies before its one result: shown
        /// on a terminal (stderr) as a counter, and left out of the output.
        var progress = false
    }

    enum Rendering: Sendable {
        case keyValue(key: String?, order: [String])
        case rows(key: String, columns: [String])
        case status
        case event
        case raw
    }

    let summary: String
    let options: Set<String>
    let render: Rendering
    let build: @Sendable (Arguments) throws -> Request
}

extension Control {
    static let cardOrder = ["cardNumber", "name", "ssn", "state", "previousState", "lossExpiresAt",
                            "electronicCredentialContinues", "replacedBy", "cardId"]
    static let identityOrder = ["name", "ssn", "cardNumber", "cardId", "region", "specVersion", "issueDate",
                                "expiryDate", "birthDate", "sex", "ethnicity", "birthplace", "atr"]
    static let applicationOrder = ["applicationId", "ssn", "kind", "stage", "feeFen", "replaces", "replacementReason",
                                   "cardNumber", "rejectionReason", "createdAt", "updatedAt"]

    static func render(_ reply: JSONValue, _ rendering: Command.Rendering, _ labels: Labels) -> String {
        let object = reply.object ?? [:]
        switch rendering {
        case .raw:
            return reply.description
        case let .keyValue(key, order):
            var block = key.flatMap { object[$0]?.object } ?? object
            if key == "card", let reminder = object["reminder"]?.object {
                block["reminder"] = reminder[labels.chinese ? "zh" : "en"]
            }
            if key == "identity" {
                block["reader"] = object["reader"]
                block["basicInfo"] = object["basicInfo"]
            }
            return TextTable.keyValue(block, order: order + ["reader", "basicInfo", "reminder"], labels: labels)
        case let .rows(key, columns):
            let rows = (object[key]?.array ?? []).compactMap(\.object)
            return TextTable.columns(rows, keys: columns, labels: labels)
        case .status:
            if let card = object["card"]?.object {
                return TextTable.keyValue(card, order: cardOrder, labels: labels)
            }
            var parts: [String] = []
            if let holder = object["holder"]?.object {
                parts.append(TextTable.keyValue(holder, order: ["name", "ssn", "phone", "address", "guardianSsn"], labels: labels))
            }
            let cards = (object["cards"]?.array ?? []).compactMap(\.object)
            parts.append(TextTable.columns(cards, keys: ["cardNumber", "state", "lossExpiresAt", "replacedBy"], labels: labels))
            let applications = (object["applications"]?.array ?? []).compactMap(\.object)
            parts.append(TextTable.columns(applications, keys: ["applicationId", "kind", "stage", "cardNumber", "feeFen"],
                                           labels: labels))
            return parts.joined(separator: "\n\n")
        case .event:
            if object["action"]?.string == "gap" {
                // The daemon could not show some changes other daemons made: say so plainly.
                return labels.monitorGap(reason: object["reason"]?.string ?? "")
            }
            var line = object
            if let card = object["card"]?.object {
                line.removeValue(forKey: "card")
                line["cardNumber"] = card["cardNumber"]
                line["state"] = card["state"]
            }
            if let identity = object["identity"]?.object {
                line.removeValue(forKey: "identity")
                line["cardNumber"] = identity["cardNumber"]
                line["name"] = identity["name"]
            }
            line.removeValue(forKey: "application")
            return line.sorted { $0.key < $1.key }.map { "\(labels($0.key))=\(labels.value($0.key, $0.value))" }
                .joined(separator: " ")
        }
    }
}
