import CLibPQ
import Foundation

/// A libpq connection string, checked by libpq's own parser, and shown only
/// with its password masked: the configuration and the journal must be able
/// to name the database without ever carrying the secret.
public struct PGConninfo: Sendable, Equatable, CustomStringConvertible {
    /// The text as written ("host=… dbname=…" or a postgresql:// URI).
    public let text: String
    /// The parameters libpq read from it, in libpq's order, with empty ones left out.
    public let parameters: [(key: String, value: String)]

    /// A conninfo libpq refused, with libpq's reason (which never quotes the password).
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Keys whose values are secrets: those libpq itself marks for hiding
    /// (`dispchar` "*": password, sslpassword, and whatever a newer libpq
    /// adds), and these in any case.
    static let secretKeys: Set<String> = ["password", "sslpassword"]

    /// The keys of this conninfo whose values are secrets.
    public let secretParameterKeys: Set<String>

    public init(_ text: String) throws(Invalid) {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &message) else {
            let reason = message.map { String(cString: $0) } ?? "out of memory"
            if let message { PQfreemem(message) }
            throw Invalid(reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        defer { PQconninfoFree(options) }
        var parsed: [(key: String, value: String)] = []
        var secrets = Self.secretKeys
        var option = options
        while let keyword = option.pointee.keyword {
            let key = String(cString: keyword)
            if let display = option.pointee.dispchar, display.pointee == CChar(UInt8(ascii: "*")) { secrets.insert(key) }
            if let value = option.pointee.val, value.pointee != 0 {
                parsed.append((key, String(cString: value)))
            }
            option = option.advanced(by: 1)
        }
        self.text = text
        parameters = parsed
        secretParameterKeys = secrets
    }

    public func value(_ key: String) -> String? { parameters.first { $0.key == key }?.value }

    /// Whether the text itself carries a password (rather than a passfile or the environment).
    public var hasPassword: Bool { value("password") != nil }

    /// Whether `text` itself (not a passfile it names) carries a secret.
    public static func carriesSecret(_ text: String) -> Bool { (try? PGConninfo(text))?.hasSecret ?? false }

    /// Whether the text carries any secret (a password, a client key's passphrase).
    public var hasSecret: Bool { parameters.contains { secretParameterKeys.contains($0.key) } }

    /// The parameters as "key=value" with every secret replaced by "********":
    /// what logs and errors show.
    public var masked: String {
        parameters.map { key, value in
            let shown = secretParameterKeys.contains(key) ? "********" : value
            let quoted = shown.isEmpty || shown.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" })
                ? "'" + shown.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
                : shown
            return "\(key)=\(quoted)"
        }.joined(separator: " ")
    }

    public var description: String { masked }

    public static func == (lhs: PGConninfo, rhs: PGConninfo) -> Bool { lhs.text == rhs.text }
}
