/// What a vpcd slot serves: a chip that answers APDUs. Both the holder's
/// card (`VirtualSSCard`) and the service point's PSAM (`VirtualPSAM`) are one.
public protocol VirtualChip: AnyObject, Sendable {
    var atr: [UInt8] { get }
    /// Power-on or reset: the chip's session state is lost.
    func reset()
    /// The chip enters a reader.
    func inserted()
    func process(_ bytes: [UInt8]) -> CardReply
    /// A delay before each answer (fault injection), in milliseconds.
    var replyDelayMilliseconds: Int { get }
}

extension VirtualSSCard: VirtualChip {
    public var replyDelayMilliseconds: Int { profile.faults.delayMilliseconds }
}
