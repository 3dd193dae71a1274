import Foundation
import SSCardTestSupport
import SSCardValues
import Varlink

/// The made-up holders and cards of the reader, abuse and soak runs: valid
/// numbers derived from an index, issued through the socket as a counter
/// would, and virtual-card profiles for them with optional faults.
struct VirtualHolder {
    let index: Int
    var name = "王五"

    var ssn: String {
        let body = String(format: "1401051986%02d%02d%03d", index / 28 % 12 + 1, index % 28 + 1, index % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    var cardNumber: String {
        // A body of a letter and 7 digits always takes a check character.
        try! CardNumber.withCheckCharacter(body: "F" + String(format: "%07d", index)).rawValue
    }

    var cardId: String { "140105D156000005" + String(format: "%016X", index + 0x7000) }

    static let idCard: JSONValue = ["document": "idCard"]

    /// Applies, produces, binds and activates the card; as root, the admin role.
    func issue(_ client: VarlinkClient) throws {
        let reply = try client.call("org.sscard.Registry.Apply", [
            "holder": ["ssn": .string(ssn), "name": .string(name)], "evidence": Self.idCard,
        ])
        guard let id = reply["application"]?["applicationId"]?.int else {
            throw ProbeError.unexpected("Apply replied without an application id: \(reply)")
        }
        for stage in ["reviewed", "ordered", "producing", "produced"] {
            _ = try client.call("org.sscard.Registry.AdvanceApplication", ["applicationId": .int(id), "stage": .string(stage)])
        }
        _ = try client.call("org.sscard.Registry.BindCard", [
            "applicationId": .int(id), "evidence": Self.idCard,
            "identity": ["cardNumber": .string(cardNumber), "cardId": .string(cardId), "ssn": .string(ssn),
                         "name": .string(name)],
        ])
        _ = try client.call("org.sscard.Registry.Activate", ["cardNumber": .string(cardNumber), "evidence": Self.idCard])
    }

    /// A sscard-vcard profile for this holder's card, with `faults` (a JSON
    /// object's members, e.g. `"vanishAfterAPDUs": 20`) when given.
    func profile(faults: String? = nil) -> String {
        let plain = DaemonRig.profile(cardNumber: cardNumber, cardId: cardId, ssn: ssn, name: name)
        guard let faults, let close = plain.lastIndex(of: "}") else { return plain }
        return plain[..<close] + ", \"faults\": {\(faults)}}"
    }
}
