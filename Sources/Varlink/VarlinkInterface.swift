/// A varlink interface the server offers: its name and IDL text.
///
/// The server answers `GetInterfaceDescription` with `description`, and
/// uses the method names declared in it to answer `MethodNotFound` itself,
/// so handlers only ever see methods their interface declares.
public struct VarlinkInterface: Sendable, Hashable {
    public let name: String
    /// The IDL text, exactly as served to clients.
    public let description: String
    /// Method names (unqualified) declared by `method Name(` lines.
    public let methods: Set<String>

    public init(name: String, description: String) {
        self.name = name
        self.description = description
        self.methods = VarlinkInterface.declaredNames(keyword: "method", in: description)
    }

    /// Takes the name from the IDL's `interface` line; nil when there is none.
    public init?(description: String) {
        for line in description.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count >= 2, words[0] == "interface" {
                self.init(name: String(words[1]), description: description)
                return
            }
        }
        return nil
    }

    /// A deliberately small scan (not a full IDL parser): declarations start
    /// a line, after optional indentation; comments start with `#`.
    static func declaredNames(keyword: String, in description: String) -> Set<String> {
        var names: Set<String> = []
        for line in description.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard trimmed.hasPrefix(keyword + " ") || trimmed.hasPrefix(keyword + "\t") else { continue }
            let rest = trimmed.dropFirst(keyword.count).drop(while: { $0 == " " || $0 == "\t" })
            let name = rest.prefix(while: { $0.isLetter || $0.isNumber })
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }
}
