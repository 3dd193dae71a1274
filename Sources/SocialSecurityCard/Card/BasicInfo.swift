import SSCardValues

/// The `iReadCardBas` answer of the national reader interface, which
/// service-point software parses: eleven fields, each followed by `|`.
///
/// region|ssn|cardNumber|cardId|name|ATR historical bytes (hex)|specVersion|
/// issueDate YYYYMMDD|expiryDate YYYYMMDD|terminalNumber|terminalDevice|
public struct BasicInfo: Sendable, Hashable, CustomStringConvertible {
    public let identity: CardIdentity
    public let historicalBytes: [UInt8]
    public let terminalNumber: String
    public let terminalDevice: String

    /// Terminal fields are configuration text; `|` and line breaks are
    /// removed from them, since they would shift every field after them.
    public init(identity: CardIdentity, terminalNumber: String = "", terminalDevice: String = "") throws(CardError) {
        self.identity = identity
        historicalBytes = try AnswerToReset(identity.atr).historicalBytes
        self.terminalNumber = Self.fieldSafe(terminalNumber)
        self.terminalDevice = Self.fieldSafe(terminalDevice)
    }

    /// The exact iReadCardBas text, with a trailing `|`.
    public var text: String {
        let fields = [
            identity.region,
            identity.ssn.rawValue,
            identity.cardNumber.rawValue,
            identity.cardId.rawValue,
            identity.name.rawValue,
            Hex.encode(historicalBytes),
            identity.specVersion,
            identity.issueDate.compact,
            identity.expiryDate.compact,
            terminalNumber,
            terminalDevice,
        ]
        return fields.map { $0 + "|" }.joined()
    }

    /// Masked: the text itself is personal data.
    public var description: String { "BasicInfo(\(identity))" }

    private static func fieldSafe(_ text: String) -> String {
        String(text.filter { $0 != "|" && !$0.isNewline })
    }
}
