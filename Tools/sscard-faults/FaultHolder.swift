import SSCardInterfaces
import SSCardRig
import SSCardValues
import Varlink

/// A made-up holder, numbered so that every scenario can create as many
/// distinct, valid holders and cards as it needs without a data file, and
/// the virtual-card profile of that holder's card.
struct FaultHolder: Sendable {
    let index: Int
    var name = "王五"

    /// 140105 (a Taiyuan district), born 1985, with a valid check character;
    /// distinct for every index below 42,000.
    var ssn: String {
        let body = String(format: "1401051985%02d%02d%03d", index / 28 % 12 + 1, index % 28 + 1, index % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    var cardNumber: String {
        // Eight valid body characters always take a check character.
        try! CardNumber.withCheckCharacter(body: "F" + String(format: "%07d", index)).rawValue
    }

    var cardId: String { "140105D156000005" + String(format: "%016X", index + 0x7000) }

    static let idCard: JSONValue = .fields([.document: "idCard"])

    /// Applies for this holder's first card, has it produced and bound, and
    /// activates it: the card ends `active`. Returns its number.
    @discardableResult
    func issue(_ client: VarlinkClient) throws -> String {
        let reply = try client.call(RegistryMethod.apply.name, .fields([
            .holder: .fields([.ssn: .string(ssn), .name: .string(name)]), .evidence: Self.idCard,
        ]))
        guard let id = reply[.application]?[.applicationId]?.int else {
            throw FaultFailure("Apply for holder \(index) answered without an applicationId: \(reply)")
        }
        for stage in ["reviewed", "ordered", "producing", "produced"] {
            _ = try client.call(RegistryMethod.advanceApplication.name,
                                .fields([.applicationId: .int(id), .stage: .string(stage)]))
        }
        _ = try client.call(RegistryMethod.bindCard.name, .fields([
            .applicationId: .int(id), .evidence: Self.idCard,
            .identity: .fields([.cardNumber: .string(cardNumber), .cardId: .string(cardId), .ssn: .string(ssn),
                         .name: .string(name)]),
        ]))
        _ = try client.call(RegistryMethod.activate.name, .fields([.cardNumber: .string(cardNumber), .evidence: Self.idCard]))
        return cardNumber
    }

    /// A sscard-vcard profile for this holder's card, with `faults` (a JSON
    /// object's members, e.g. `"vanishAfterAPDUs": 20`) when given.
    func profile(faults: String? = nil) -> String {
        let plain = DaemonRig.profile(cardNumber: cardNumber, cardId: cardId, ssn: ssn, name: name)
        guard let faults, let close = plain.lastIndex(of: "}") else { return plain }
        return plain[..<close] + ", \"faults\": {\(faults)}}"
    }
}

/// A scenario's own failure: what went wrong, in words for the report.
struct FaultFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
