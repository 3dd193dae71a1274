/// A response APDU: the data the card returned and its status word.
public struct ResponseAPDU: Hashable, Sendable {
    public var data: [UInt8]
    public var statusWord: StatusWord

    public init(data: [UInt8], statusWord: StatusWord) {
        self.data = data
        self.statusWord = statusWord
    }

    /// Splits the trailing two status bytes off a raw response; nil if fewer
    /// than two bytes arrived (a card that vanished mid-reply).
    public init?(bytes: [UInt8]) {
        guard bytes.count >= 2 else { return nil }
        data = Array(bytes.dropLast(2))
        statusWord = StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1])
    }

    public var bytes: [UInt8] { data + [statusWord.sw1, statusWord.sw2] }
}
