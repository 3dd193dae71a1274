/// A value that is one validated string: read with the same checks as
/// `init(_:)`, so that JSON, configuration and database input all pass the
/// one validation point; written as `rawValue`.
public protocol ValidatedText: Codable, Hashable, Sendable {
    var rawValue: String { get }
    init(_ text: String) throws(ValueError)
}

extension ValidatedText {
    public init(from decoder: Decoder) throws {
        self = try Self(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
