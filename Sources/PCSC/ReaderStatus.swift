/// A reader's state at one moment: whether a card is in it and its ATR.
public struct ReaderStatus: Hashable, Sendable {
    public var reader: String
    public var cardPresent: Bool
    /// Empty when no card is present.
    public var atr: [UInt8]

    public init(reader: String, cardPresent: Bool, atr: [UInt8]) {
        self.reader = reader
        self.cardPresent = cardPresent
        self.atr = atr
    }

    /// Contact or contactless, from the name and the ATR.
    public var kind: ReaderKind { ReaderKind(readerName: reader, atr: cardPresent ? atr : nil) }
}
