/// Why a JSON text was rejected, and where.
///
/// The byte offset lets a client see which part of a message the daemon
/// refused; it is also what the fuzz tests check to make sure the parser
/// fails at a plausible place rather than at random.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The text ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the value being read.
        case unexpectedByte(UInt8)
        /// Something other than whitespace after the top-level value.
        case trailingGarbage
        /// Nesting of arrays and objects deeper than the configured limit.
        case tooDeep
        /// A string that is not well-formed UTF-8 (including encoded surrogates).
        case invalidUTF8
        /// An unescaped control character (below U+0020) inside a string.
        case controlCharacter
        /// A backslash escape JSON does not define, or a bad `\u` sequence.
        case invalidEscape
        /// A `\uD800`-`\uDFFF` escape that is not a proper surrogate pair.
        case loneSurrogate
        /// A number that does not follow the JSON grammar.
        case invalidNumber
        /// A number too large for a finite double.
        case numberOutOfRange
        /// The same key twice in one object; rejected so that two readers of
        /// one message can never see different values.
        case duplicateKey(String)
    }

    public let reason: Reason
    /// Offset of the offending byte from the start of the text.
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "unexpected end of text"
        case .unexpectedByte(let byte): what = "unexpected byte 0x" + String(byte, radix: 16)
        case .trailingGarbage: what = "data after the JSON value"
        case .tooDeep: what = "nesting too deep"
        case .invalidUTF8: what = "invalid UTF-8"
        case .controlCharacter: what = "unescaped control character in string"
        case .invalidEscape: what = "invalid escape sequence"
        case .loneSurrogate: what = "unpaired UTF-16 surrogate escape"
        case .invalidNumber: what = "malformed number"
        case .numberOutOfRange: what = "number out of range"
        case .duplicateKey(let key): what = "duplicate key \"\(key)\""
        }
        return "\(what) at byte \(offset)"
    }
}
