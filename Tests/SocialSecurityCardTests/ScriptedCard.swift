import Testing
import PCSC
import SSCardValues
@testable import SocialSecurityCard

/// A card test double: a script of exact command bytes and the canned
/// response to each. Any other command is recorded as a test issue and
/// fails the transmit, so a test sees both the wrong bytes and the effect.
final class ScriptedCard: CardChannel {
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    struct Step {
        var command: [UInt8]
        var response: [UInt8]
    }

    let atr: [UInt8]
    private(set) var steps: [Step]
    private(set) var sent: [[UInt8]] = []
    var failWith: (any Error)?

    init(atr: [UInt8] = CardFixture.atr, _ steps: [(String, String)]) {
        self.atr = atr
        self.steps = steps.map { Step(command: Hex.decode($0.0)!, response: Hex.decode($0.1)!) }
    }

    func transmit(_ command: CommandAPDU) throws -> ResponseAPDU {
        if let failWith { throw failWith }
        sent.append(command.bytes)
        guard let step = steps.first else {
            Issue.record("unscripted command \(Hex.encode(command.bytes))")
            throw Mismatch(description: "unscripted command")
        }
        guard step.command == command.bytes else {
            Issue.record("expected \(Hex.encode(step.command)), got \(Hex.encode(command.bytes))")
            throw Mismatch(description: "unexpected command")
        }
        steps.removeFirst()
        return ResponseAPDU(bytes: step.response)!
    }

    var isFinished: Bool { steps.isEmpty }
}

/// A sample card: generation 2, a Uyghur name whose 4-byte GB18030
/// character (U+20000) sits in the name field and whose end spills into the
/// name extension (tag 4E).
enum CardFixture {
    static let name = "阿依古丽\u{20000}热合曼努尔阿不都·买买提"
    static let nameField = "B0A2D2C0B9C5C0F695328236C8C8BACFC2FCC5ACB6FBB0A2B2BBB6BCA1A4"
    static let extensionField = "C2F2C2F2CCE1" + String(repeating: "00", count: 14)
    /// TS 3B, T0 6D (TB1, TC1, 13 historical bytes), TB1 00, TC1 00.
    static let atr = Hex.decode("3B6D0000" + historical)!
    static let historical = "00814E43238697159900BF7C7A"

    static let select = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"

    /// (command, response) for each identity READ RECORD, in order.
    static let records: [(CardField, String, String)] = [
        (.cardId, "00B2012812", "0110639900D15600000500BF7C7A48FB4966"),
        (.specVersion, "00B2032806", "0304" + ascii("2.00")),
        (.issueDate, "00B2052806", "050420101001"),
        (.expiryDate, "00B2062806", "060420201001"),
        (.cardNumber, "00B207280B", "0709" + ascii("X00000019")),
        (.ssn, "00B2083014", "0812" + ascii("11010519491231002X")),
        (.name, "00B2093020", "091E" + nameField),
        (.nameExtension, "00B24E3016", "4E14" + extensionField),
        (.sex, "00B20A3003", "0A0132"),
        (.ethnicity, "00B20B3003", "0B0105"),
        (.birthplace, "00B20C3005", "0C036501FF"),
        (.birthDate, "00B20D3006", "0D0419491231"),
    ]

    static func ascii(_ text: String) -> String { Hex.encode(Array(text.utf8)) }

    /// SELECT plus the reads, each answered with 9000.
    static func identityScript(replacing overrides: [CardField: String] = [:]) -> [(String, String)] {
        [(select, "9000")] + records.map { field, command, response in
            (command, overrides[field] ?? response + "9000")
        }
    }

    /// The responses as the pure decoder takes them.
    static let responses: [CardField: ResponseAPDU] = {
        var out = [CardField: ResponseAPDU]()
        for (field, _, response) in records {
            out[field] = ResponseAPDU(bytes: Hex.decode(response + "9000")!)
        }
        return out
    }()
}
