import CPCSCLite
import PCSC
import Testing

/// How the monitor reads one reader's entry of an SCardGetStatusChange
/// result: the event count in the high word tells a real change from a
/// stale snapshot libpcsclite's shared state table can hand back.
@Suite("PC/SC reader state changes and event counts")
struct ReaderStateChangeTests {
    static let changed = DWORD(SCARD_STATE_CHANGED)
    static let present = DWORD(SCARD_STATE_PRESENT)
    static let empty = DWORD(SCARD_STATE_EMPTY)

    static func state(_ flags: DWORD, count: UInt16) -> DWORD { DWORD(count) << 16 | flags }

    @Test("no CHANGED flag: nothing to do")
    func unchanged() {
        #expect(ReaderStateChange.classify(previous: Self.state(Self.present, count: 4),
                                           event: Self.state(Self.present, count: 4)) == .unchanged)
    }

    @Test("the first call (UNAWARE) is a change, never a swap or stale")
    func firstCall() {
        #expect(ReaderStateChange.classify(previous: DWORD(SCARD_STATE_UNAWARE),
                                           event: Self.state(Self.present | Self.changed, count: 9)) == .changed(swapped: false))
    }

    @Test("a removal moves the count on by one")
    func removal() {
        #expect(ReaderStateChange.classify(previous: Self.state(Self.present, count: 7),
                                           event: Self.state(Self.empty | Self.changed, count: 8)) == .changed(swapped: false))
    }

    @Test("a card still present with the count moved on was swapped")
    func swapped() {
        #expect(ReaderStateChange.classify(previous: Self.state(Self.present, count: 7),
                                           event: Self.state(Self.present | Self.changed, count: 9)) == .changed(swapped: true))
    }

    /// The case a fault run met: the monitor had seen the card go (count 8,
    /// empty); another thread's older snapshot (count 7, present) came back.
    /// Taking it for a change would report a card that is not there.
    @Test("an older count is a stale snapshot, to be ignored")
    func stale() {
        #expect(ReaderStateChange.classify(previous: Self.state(Self.empty, count: 8),
                                           event: Self.state(Self.present | Self.changed, count: 7)) == .stale)
        #expect(ReaderStateChange.classify(previous: Self.state(Self.present, count: 9),
                                           event: Self.state(Self.present | Self.changed, count: 7)) == .stale)
    }

    @Test("the count wraps at 65,536: 65535 → 0 is a change, 0 → 65535 is stale")
    func wraparound() {
        #expect(ReaderStateChange.classify(previous: Self.state(Self.present, count: 65535),
                                           event: Self.state(Self.empty | Self.changed, count: 0)) == .changed(swapped: false))
        #expect(ReaderStateChange.classify(previous: Self.state(Self.empty, count: 0),
                                           event: Self.state(Self.present | Self.changed, count: 65535)) == .stale)
        #expect(ReaderStateChange.count(Self.state(Self.present, count: 65535)) == 65535)
    }
}
