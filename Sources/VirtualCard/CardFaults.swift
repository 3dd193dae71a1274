/// Misbehaviour a virtual card can be told to show, so that the reading
/// code's error paths run against a real PC/SC stack.
public struct CardFaults: Hashable, Sendable {
    public enum GarbageRecords: String, Hashable, Sendable {
        case none
        /// Record values replaced by random bytes (tag and length kept).
        case random
        /// Records cut to half their length, still answered with 9000.
        case truncated
        /// Records whose tag byte is not the one asked for (a broken TLV).
        case wrongTag
    }

    /// Milliseconds to wait before every reply (a slow card or reader).
    public var delayMilliseconds: Int = 0
    /// The card disappears instead of answering this many-th APDU (counted
    /// from 1 since the process started); nil for never.
    public var vanishAfterAPDUs: Int?
    /// The card answers this many APDUs after each insertion, then reads
    /// every further APDU and never replies (a mute card: the reader's
    /// transmit never returns); nil for never.
    public var stopAnsweringAfter: Int?
    public var garbageRecords: GarbageRecords = .none
    /// READ RECORD answered with this status word and no data (a card that
    /// says something no command expects), instead of the record.
    public var recordStatus: [UInt8]?
    /// Seed for the random garbage, so a failing run can be repeated.
    public var seed: UInt64 = 1

    public init(delayMilliseconds: Int = 0, vanishAfterAPDUs: Int? = nil, stopAnsweringAfter: Int? = nil,
                garbageRecords: GarbageRecords = .none, recordStatus: [UInt8]? = nil, seed: UInt64 = 1) {
        self.delayMilliseconds = delayMilliseconds
        self.vanishAfterAPDUs = vanishAfterAPDUs
        self.stopAnsweringAfter = stopAnsweringAfter
        self.garbageRecords = garbageRecords
        self.recordStatus = recordStatus
        self.seed = seed
    }
}
