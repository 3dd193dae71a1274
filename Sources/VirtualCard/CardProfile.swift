import Foundation
import SSCardValues
import SocialSecurityCard

/// Everything a virtual card is: the holder and issuer data on the chip,
/// its ATR and protocol, PIN state and application state, and the faults
/// it should show. Loaded from a JSON profile file (see docs/vcard.md).
///
/// Identity fields are the project's validated values, so a profile cannot
/// describe a card that real issuance could not produce; broken cards come
/// from `faults` instead.
public struct CardProfile: Sendable {
    public var atr: [UInt8]
    public var transmission: TransmissionProtocol
    // EF05, issuer data.
    public var cardId: CardIdentificationCode
    public var cardCategory: String
    public var specVersion: String
    public var institution: [UInt8]
    public var issueDate: CalendarDate
    public var expiryDate: CalendarDate
    public var cardNumber: CardNumber
    // EF06, holder data.
    public var ssn: SocialSecurityNumber
    public var name: HolderName
    public var sex: String
    public var ethnicity: String
    public var birthplace: String
    public var birthDate: CalendarDate
    // Security state.
    public var pin: String
    public var pinTries: Int
    public var pinMaximumTries: Int
    public var state: ApplicationState
    /// Issuer master keys for MAC-protected commands, by key-file name
    /// (`reloadPIN.3des`, …; docs/security-module.md).
    public var keys: [String: [UInt8]]
    public var faults: CardFaults

    /// The historical bytes of `atr` (what iReadCardBas reports as 卡复位信息).
    public var historicalBytes: [UInt8] { ATRBuilder.historicalBytes(of: atr) }

    public static func load(path: String) throws(CardProfileError) -> CardProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try CardProfile(json: data)
    }

    public init(json data: Data) throws(CardProfileError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .notJSON(reason: "syntax error")
        }
        guard let object = parsed as? [String: Any] else { throw .notJSON(reason: "top level is not an object") }
        try self.init(fields: ProfileFields(object))
    }

    init(fields f: ProfileFields) throws(CardProfileError) {
        let protocolName = try f.string("protocol", default: "T=0")
        guard let transmission = TransmissionProtocol(rawValue: protocolName) else {
            throw .invalidValue(field: "protocol", reason: "expected \"T=0\" or \"T=1\"")
        }
        self.transmission = transmission
        let defaultHistory: [UInt8] = [0x00, 0x81, 0x4E, 0x43, 0x23, 0x86, 0x97, 0x15, 0x99, 0x00, 0xBF, 0x7C, 0x7A]
        atr = f.has("atr") ? try f.hex("atr") : ATRBuilder.atr(historicalBytes: defaultHistory, protocol: transmission)
        guard (2...33).contains(atr.count), atr[0] == 0x3B || atr[0] == 0x3F else {
            throw .invalidValue(field: "atr", reason: "expected 2-33 bytes starting with 3B or 3F")
        }

        cardId = try f.value("cardId") { try CardIdentificationCode($0) }
        cardCategory = try f.string("cardCategory", default: "3")
        guard cardCategory.utf8.count == 1 else { throw .invalidValue(field: "cardCategory", reason: "expected 1 character") }
        specVersion = try f.string("specVersion", default: "3.00")
        guard specVersion.utf8.count == 4, specVersion.allSatisfy(\.isASCII) else {
            throw .invalidValue(field: "specVersion", reason: "expected 4 ASCII characters such as 3.00")
        }
        institution = f.has("institution") ? try f.hex("institution", count: 12) : [UInt8](repeating: 0x11, count: 12)
        issueDate = try f.value("issueDate") { try CalendarDate($0, field: "issueDate") }
        expiryDate = try f.value("expiryDate") { try CalendarDate($0, field: "expiryDate") }
        cardNumber = try f.value("cardNumber") { try CardNumber($0) }

        ssn = try f.value("ssn") { try SocialSecurityNumber($0) }
        name = try f.value("name") { try HolderName($0) }
        sex = try f.string("sex")
        guard sex == "1" || sex == "2" else { throw .invalidValue(field: "sex", reason: "expected \"1\" or \"2\"") }
        ethnicity = try f.digits("ethnicity", count: 2)
        birthplace = try f.digits("birthplace", count: 6)
        birthDate = try f.value("birthDate") { try CalendarDate($0, field: "birthDate") }

        pin = try f.string("pin")
        guard (4...16).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidValue(field: "pin", reason: "expected 4-16 digits")
        }
        pinMaximumTries = try f.int("pinMaxTries", default: 3)
        guard (1...15).contains(pinMaximumTries) else { throw .invalidValue(field: "pinMaxTries", reason: "expected 1-15") }
        pinTries = try f.int("pinTries", default: pinMaximumTries)
        guard (0...pinMaximumTries).contains(pinTries) else {
            throw .invalidValue(field: "pinTries", reason: "expected 0-pinMaxTries (0 = PIN blocked)")
        }
        let stateName = try f.string("state", default: "active")
        guard let state = ApplicationState(rawValue: stateName) else {
            throw .invalidValue(field: "state", reason: "expected active, locked or permanentlyLocked")
        }
        self.state = state

        var keys: [String: [UInt8]] = [:]
        if let k = try f.object("keys") {
            for name in k.object.keys.sorted() {
                guard let reference = KeyReference(name: name) else {
                    throw .invalidValue(field: k.path(name), reason: "expected a key name such as reloadPIN.3des")
                }
                let key = try k.hex(name)
                guard reference.algorithm.keyLengths.contains(key.count) else {
                    throw .invalidValue(field: k.path(name), reason: "wrong key length \(key.count)")
                }
                keys[name] = key
            }
        }
        self.keys = keys

        var faults = CardFaults()
        if let g = try f.object("faults") {
            faults.delayMilliseconds = try g.int("delayMs", default: 0)
            guard (0...60_000).contains(faults.delayMilliseconds) else {
                throw .invalidValue(field: g.path("delayMs"), reason: "expected 0-60000")
            }
            faults.vanishAfterAPDUs = try g.optionalInt("vanishAfterAPDUs")
            if let n = faults.vanishAfterAPDUs, n < 1 {
                throw .invalidValue(field: g.path("vanishAfterAPDUs"), reason: "expected at least 1")
            }
            faults.stopAnsweringAfter = try g.optionalInt("stopAnsweringAfter")
            if let n = faults.stopAnsweringAfter, n < 0 {
                throw .invalidValue(field: g.path("stopAnsweringAfter"), reason: "expected 0 or more")
            }
            let garbage = try g.string("garbageRecords", default: "none")
            guard let mode = CardFaults.GarbageRecords(rawValue: garbage) else {
                throw .invalidValue(field: g.path("garbageRecords"), reason: "expected none, random, truncated or wrongTag")
            }
            faults.garbageRecords = mode
            if g.has("recordStatus") {
                faults.recordStatus = try g.hex("recordStatus", count: 2)
            }
            faults.seed = UInt64(try g.int("seed", default: 1))
        }
        self.faults = faults
    }
}
