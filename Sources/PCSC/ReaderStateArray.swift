import CPCSCLite
import Glibc

/// The `SCARD_READERSTATE` array for `SCardGetStatusChange`, with the C
/// strings its entries point to.
///
/// pcscd reads the reader names through raw pointers, so they must outlive
/// every call; this type owns them and frees them in `deinit`.
final class ReaderStateArray {
    /// The pseudo-reader whose state changes when readers come and go.
    static let plugAndPlay = "\\\\?PnP?\\Notification"

    private(set) var names: [String]
    private var cNames: [UnsafeMutablePointer<CChar>]
    var states: [SCARD_READERSTATE]

    init(readers: [String]) {
        names = readers
        cNames = readers.map { strdup($0)! }
        states = cNames.map { name in
            var state = SCARD_READERSTATE()
            state.szReader = UnsafePointer(name)
            state.dwCurrentState = DWORD(SCARD_STATE_UNAWARE)
            return state
        }
    }

    deinit {
        cNames.forEach { free($0) }
    }

    /// Blocks until a state differs from what we last acknowledged, or
    /// `timeout` milliseconds pass (`INFINITE` for no limit).
    func wait(context: SCARDCONTEXT, timeout: DWORD) -> Int {
        states.withUnsafeMutableBufferPointer { buffer in
            SCardGetStatusChange(context, timeout, buffer.baseAddress, DWORD(buffer.count))
        }
    }

    /// Marks the reported states as seen, so the next wait blocks until
    /// something changes again.
    func acknowledge() {
        for index in states.indices { states[index].dwCurrentState = states[index].dwEventState }
    }

    /// Leaves the entry at what we last acknowledged, so `acknowledge()`
    /// does not adopt the state just reported for it.
    func keepAcknowledged(at index: Int) {
        states[index].dwEventState = states[index].dwCurrentState
    }

    func eventState(at index: Int) -> DWORD { states[index].dwEventState }

    func atr(at index: Int) -> [UInt8] {
        let count = min(Int(states[index].cbAtr), Int(MAX_ATR_SIZE))
        return withUnsafeBytes(of: states[index].rgbAtr) { Array($0.prefix(count)) }
    }

    func status(at index: Int) -> ReaderStatus {
        let present = eventState(at: index) & DWORD(SCARD_STATE_PRESENT) != 0
        return ReaderStatus(reader: names[index], cardPresent: present, atr: present ? atr(at: index) : [])
    }

    /// Statuses of the real readers (the PnP pseudo-reader left out).
    func statuses() -> [ReaderStatus] {
        names.indices.filter { names[$0] != Self.plugAndPlay }.map(status(at:))
    }
}
