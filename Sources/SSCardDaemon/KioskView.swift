import SSCardValues
import Varlink

/// What a kiosk is shown of a holder: identities masked as the kiosk shows
/// them on screen (PersonalData's masks), never the full card number, social
/// security number or name. A kiosk names its reader and sscardd reads the
/// card itself, so the kiosk has no use for the full values, and a kiosk
/// account that is taken over cannot harvest them.
///
/// Applied to every reply and Monitor event a kiosk peer receives: the `card`
/// and `identity` objects and the iReadCardBas text.
enum KioskView {
    static func masked(_ reply: JSONValue) -> JSONValue {
        guard case var .object(object) = reply else { return reply }
        for key in ["card", "identity"] {
            if let value = object[key] { object[key] = maskedIdentity(value) }
        }
        if let text = object["basicInfo"]?.string { object["basicInfo"] = .string(maskedBasicInfo(text)) }
        return .object(object)
    }

    /// The fields that identify a person, masked; the rest (state, dates of
    /// issue and expiry, region) as they are.
    static func maskedIdentity(_ value: JSONValue) -> JSONValue {
        guard case var .object(object) = value else { return value }
        let masks: [String: (String) -> String] = [
            "cardNumber": PersonalData.maskCardNumber, "replacedBy": PersonalData.maskCardNumber,
            "ssn": PersonalData.maskSSN, "cardId": PersonalData.maskIdentificationCode, "name": PersonalData.maskName,
            "birthDate": { String(repeating: "*", count: $0.count) },
            "birthplace": { String(repeating: "*", count: $0.count) },
        ]
        for (key, mask) in masks {
            if let text = object[key]?.string { object[key] = .string(mask(text)) }
        }
        return .object(object)
    }

    /// iReadCardBas text with its personal fields masked: region | SSN |
    /// card number | card id | name | … (docs/card.md).
    static func maskedBasicInfo(_ text: String) -> String {
        var fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let masks: [Int: (String) -> String] = [
            1: PersonalData.maskSSN, 2: PersonalData.maskCardNumber, 3: PersonalData.maskIdentificationCode,
            4: PersonalData.maskName,
        ]
        for (index, mask) in masks where index < fields.count { fields[index] = mask(fields[index]) }
        return fields.joined(separator: "|")
    }
}
