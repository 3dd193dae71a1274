import CPCSCLite

/// What one reader's entry of an `SCardGetStatusChange` result means, given
/// the state we acknowledged before the call.
///
/// libpcsclite puts pcscd's count of card insertions and removals on the
/// reader in the high 16 bits of `dwEventState`. The count only grows (modulo
/// 2^16), so it tells a real change from a stale snapshot: libpcsclite 1.9.9
/// keeps one reader-state table per process and every context's calls
/// (`SCardListReaders`, `SCardGetStatusChange`, `SCardStatus`) overwrite it
/// without a common lock, so a call on another thread can put an older
/// snapshot back under a waiting monitor (docs/pcsc.md, "Missed events").
public enum ReaderStateChange: Equatable, Sendable {
    /// Nothing the caller needs to act on.
    case unchanged
    /// A state older than the one already acknowledged: ignore it and keep
    /// the acknowledged one.
    case stale
    /// A real change. `swapped` when the count moved while a card stayed
    /// present: it was removed and another (or the same) inserted between
    /// two calls.
    case changed(swapped: Bool)

    public static func classify(previous: DWORD, event: DWORD) -> ReaderStateChange {
        guard event & DWORD(SCARD_STATE_CHANGED) != 0 else { return .unchanged }
        guard previous != DWORD(SCARD_STATE_UNAWARE) else { return .changed(swapped: false) }
        let before = count(previous)
        let now = count(event)
        if isBehind(now, before) { return .stale }
        let present = DWORD(SCARD_STATE_PRESENT)
        return .changed(swapped: now != before && previous & present != 0 && event & present != 0)
    }

    /// The insertion/removal count in a reader state's high word.
    public static func count(_ state: DWORD) -> UInt16 { UInt16(truncatingIfNeeded: state >> 16) }

    /// True when `count` is older than `reference`: behind it by less than
    /// half the counter's range (it wraps at 65,536).
    static func isBehind(_ count: UInt16, _ reference: UInt16) -> Bool {
        let distance = reference &- count
        return distance != 0 && distance < 0x8000
    }
}
