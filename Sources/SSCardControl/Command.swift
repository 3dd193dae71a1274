import SSCardInterfaces
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
        /// A flow of several calls (instant issue): the next call, built from
        /// this one's reply, or nil when the flow is done. Each step is its own
        /// audited call; a refused step stops the flow where it is.
        var then: (@Sendable (JSONValue) throws -> Request?)? = nil
        /// How this step's reply is shown, when not as the command's.
        var rendering: Rendering? = nil
    }

    enum Rendering: Sendable {
        case keyValue(key: WireKey?, order: [WireKey])
        case rows(key: WireKey, columns: [WireKey])
        case status
        case event
        case raw
    }

    let summary: String
    let options: Set<String>
    let render: Rendering
    let build: @Sendable (Arguments) throws -> Request
    /// A command that handles its replies itself (a report's formats and
    /// page, an export written to a file), instead of the generic rendering.
    var run: (@Sendable (Request, Arguments, VarlinkClient, Labels) throws -> Void)? = nil
}

extension Control {
    static let cardOrder: [WireKey] = [.cardNumber, .name, .ssn, .state, .previousState, .lossExpiresAt,
                            .electronicCredentialContinues, .replacedBy, .bankFunction, .generation, .chipBlocked, .cardId]
    static let identityOrder: [WireKey] = [.name, .ssn, .cardNumber, .cardId, .region, .specVersion, .issueDate,
                                .expiryDate, .birthDate, .sex, .ethnicity, .birthplace, .atr]
    static let applicationOrder: [WireKey] = [.applicationId, .ssn, .kind, .stage, .feeFen, .feeSettlement, .replaces,
                                   .replacementReason, .newName, .cardNumber, .rejectionReason, .channel, .expectedDate,
                                   .delivery, .createdAt, .updatedAt]

    static func render(_ reply: JSONValue, _ rendering: Command.Rendering, _ labels: Labels) -> String {
        let object = reply.object ?? [:]
        switch rendering {
        case .raw:
            return reply.description
        case let .keyValue(key, order):
            var block = key.flatMap { object[$0]?.object } ?? object
            if key == .card, let reminder = object[.reminder]?.object {
                block[.reminder] = reminder[labels.chinese ? WireKey.zh : .en]
            }
            if key == .identity {
                block[.reader] = object[.reader]
                block[.basicInfo] = object[.basicInfo]
            }
            return TextTable.keyValue(block, order: (order + [.reader, .basicInfo, .reminder]).map(\.rawValue), labels: labels)
        case let .rows(key, columns):
            let rows = (object[key]?.array ?? []).compactMap(\.object)
            return TextTable.columns(rows, keys: columns.map(\.rawValue), labels: labels)
        case .status:
            if let card = object[.card]?.object {
                return TextTable.keyValue(card, order: cardOrder.map(\.rawValue), labels: labels)
            }
            var parts: [String] = []
            if let holder = object[.holder]?.object {
                parts.append(TextTable.keyValue(holder, order: [WireKey.name, .ssn, .phone, .address, .guardianSsn].map(\.rawValue), labels: labels))
            }
            let cards = (object[.cards]?.array ?? []).compactMap(\.object)
            parts.append(TextTable.columns(cards, keys: [WireKey.cardNumber, .state, .lossExpiresAt, .replacedBy].map(\.rawValue), labels: labels))
            let applications = (object[.applications]?.array ?? []).compactMap(\.object)
            parts.append(TextTable.columns(applications, keys: [WireKey.applicationId, .kind, .stage, .cardNumber, .feeFen].map(\.rawValue),
                                           labels: labels))
            return parts.joined(separator: "\n\n")
        case .event:
            if object[.action]?.string == "gap" {
                // The daemon could not show some changes other daemons made: say so plainly.
                return labels.monitorGap(reason: object[.reason]?.string ?? "")
            }
            var line = object
            if let card = object[.card]?.object {
                line.removeValue(forKey: WireKey.card.rawValue)
                line[.cardNumber] = card[.cardNumber]
                line[.state] = card[.state]
            }
            if let identity = object[.identity]?.object {
                line.removeValue(forKey: WireKey.identity.rawValue)
                line[.cardNumber] = identity[.cardNumber]
                line[.name] = identity[.name]
            }
            line.removeValue(forKey: WireKey.application.rawValue)
            return line.sorted { $0.key < $1.key }.map { "\(labels($0.key))=\(labels.value($0.key, $0.value))" }
                .joined(separator: " ")
        }
    }
}
