/// What the virtual card does with one command.
public enum CardReply: Hashable, Sendable {
    /// Answer with these bytes (data and status word).
    case respond([UInt8])
    /// Leave the reader without answering (fault injection).
    case vanish
}
