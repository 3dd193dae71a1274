/// A command line: positional words and `--name value` / `--flag` options.
struct Arguments: Sendable {
    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// Options that take no value.
    static let flagNames: Set<String> = ["json", "readers", "help", "more", "pad", "overwrite", "whole", "fee-waived", "unmasked"]

    init(_ words: [String]) throws(UsageError) {
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.hasPrefix("--") {
                let name = String(word.dropFirst(2))
                if let equals = name.firstIndex(of: "=") {
                    options[String(name[..<equals])] = String(name[name.index(after: equals)...])
                } else if Self.flagNames.contains(name) {
                    flags.insert(name)
                } else {
                    guard index + 1 < words.count else { throw UsageError("--\(name) needs a value") }
                    options[name] = words[index + 1]
                    index += 1
                }
            } else {
                positional.append(word)
            }
            index += 1
        }
    }

    func option(_ name: String) -> String? { options[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    func required(_ name: String) throws(UsageError) -> String {
        guard let value = options[name] else { throw UsageError("--\(name) is required") }
        return value
    }

    func word(_ index: Int, _ what: String) throws(UsageError) -> String {
        guard index < positional.count else { throw UsageError("missing \(what)") }
        return positional[index]
    }

    /// Every option the command did not read, for "unknown option" errors.
    func unknown(allowed: Set<String>) -> String? {
        Set(options.keys).union(flags).subtracting(allowed).subtracting(["socket", "json"]).sorted().first
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
