import Varlink

/// A POST /input body as the state machine's key: `{"key":"digit","value":3}`,
/// `{"key":"enter"}`, `{"key":"language","value":"en"}`, `{"key":"answer","value":true}`.
/// The page sends what a button names; what it means is `KioskState`'s business.
enum PageInput {
    enum Refusal: Error, Equatable { case notJSON, unknownKey, badValue }

    static func key(from body: [UInt8]) throws(Refusal) -> Key {
        let message: JSONValue
        do {
            message = try JSONValue(parsing: body, maximumDepth: 2)
        } catch {
            throw .notJSON
        }
        guard let object = message.object, object.count <= 2, let name = object["key"]?.string else { throw .unknownKey }
        let value = object["value"]
        guard object.count == 1 || value != nil else { throw .unknownKey }
        switch name {
        case "digit":
            guard let digit = value?.int, (0...9).contains(digit) else { throw .badValue }
            return .digit(UInt8(digit))
        case "language":
            guard let code = value?.string, let language = Language(rawValue: code) else { throw .badValue }
            return .setLanguage(language)
        case "answer":
            guard let answer = value?.bool else { throw .badValue }
            return .answer(answer)
        default:
            guard value == nil, let key = plainKeys[name] else { throw value == nil ? .unknownKey : .badValue }
            return key
        }
    }

    /// The keys without a value, by the names the page's buttons carry.
    static let plainKeys: [String: Key] = [
        "enter": .enter, "cancel": .escape, "backspace": .backspace, "moreTime": .moreTime,
        "largeText": .largeText, "mute": .mute, "volumeUp": .volumeUp, "volumeDown": .volumeDown,
    ]
}
