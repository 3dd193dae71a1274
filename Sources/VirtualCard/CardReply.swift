/// What the virtual card does with one command.
public enum CardReply: Hashable, Sendable {
    /// Answer with these bytes (data and status word).
    case respond([UInt8])
    /// Leave the reader without answering (fault injection).
    case vanish
    /// Keep the connection but never answer (a card gone mute mid-session;
    /// `faults.stopAnsweringAfter`): the reader's transmit waits for ever.
    case silence
}
