/// The names a varlink interface description declares: its methods, errors,
/// types and every key. Enough of the IDL grammar to check this module's
/// constants and the daemon's policy table against the `.varlink` files; it
/// does not validate the grammar.
public struct InterfaceDefinition: Sendable {
    /// "org.sscard.Registry".
    public let name: String
    /// Method names as declared ("GetStatus"), in order.
    public let methods: [String]
    /// Error names as declared ("CardNotFound"), in order.
    public let errors: [String]
    /// Each named type's own fields, in order (nested anonymous structs not included).
    public let types: [String: [String]]
    /// Every key anywhere: parameters, replies, error parameters, type fields, nested structs.
    public let keys: Set<String>

    public init(parsing text: String) {
        let tokens = Self.tokens(text)
        var name = "", methods: [String] = [], errors: [String] = [], types: [String: [String]] = [:]
        var keys = Set<String>()
        // Keywords count only outside parentheses: `interface` and `method`
        // are also field names (Reader.interface, PermissionDenied.method).
        var depth = 0
        for (index, token) in tokens.enumerated() {
            let next = index + 1 < tokens.count ? tokens[index + 1] : ""
            switch token {
            case "(": depth += 1
            case ")": depth -= 1
            case "interface" where depth == 0: name = next
            case "method" where depth == 0: methods.append(next)
            case "error" where depth == 0: errors.append(next)
            case "type" where depth == 0: types[next] = Self.topLevelFields(tokens, from: index + 2)
            case ":" where index > 0: keys.insert(tokens[index - 1])
            default: break
            }
        }
        self.name = name
        self.methods = methods
        self.errors = errors
        self.types = types
        self.keys = keys
    }

    /// The fields of the parenthesised struct starting at `start`, at its own depth only.
    static func topLevelFields(_ tokens: [String], from start: Int) -> [String] {
        guard start < tokens.count, tokens[start] == "(" else { return [] }
        var fields: [String] = [], depth = 0
        for index in start..<tokens.count {
            switch tokens[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return fields }
            case ":" where depth == 1: fields.append(tokens[index - 1])
            default: break
            }
        }
        return fields
    }

    /// Words (names, dotted interface names) and single punctuation marks;
    /// `#` comments dropped.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var word = ""
            func flush() {
                if !word.isEmpty { tokens.append(word) }
                word = ""
            }
            for character in line.prefix(while: { $0 != "#" }) {
                if character.isLetter || character.isNumber || character == "_" || character == "." {
                    word.append(character)
                } else {
                    flush()
                    if !character.isWhitespace { tokens.append(String(character)) }
                }
            }
            flush()
        }
        return tokens
    }
}

extension SSCardInterface {
    /// This interface's description, parsed.
    public var definition: InterfaceDefinition { InterfaceDefinition(parsing: interfaceDescription) }
}
