import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// The I/O thread's epoll instance. Level-triggered: a connection stays
/// reported until its buffer is drained, which keeps the loop simple and
/// lets it read a bounded amount per turn for fairness.
final class EventPoller {
    struct Interest: OptionSet {
        let rawValue: UInt32
        static let readable = Interest(rawValue: UInt32(SSCARD_EPOLL_IN))
        static let writable = Interest(rawValue: UInt32(SSCARD_EPOLL_OUT))
    }

    struct Event {
        let token: UInt64
        let bits: UInt32
        var isReadable: Bool { bits & UInt32(SSCARD_EPOLL_IN) != 0 }
        var isWritable: Bool { bits & UInt32(SSCARD_EPOLL_OUT) != 0 }
        /// Peer fully closed or socket error: nothing more can be delivered.
        var isHangup: Bool { bits & UInt32(SSCARD_EPOLL_HUP | SSCARD_EPOLL_ERR) != 0 }
    }

    private let descriptor: Int32
    private var closed = false
    private var tokens = [UInt64](repeating: 0, count: 256)
    private var bits = [UInt32](repeating: 0, count: 256)

    init() throws(SystemError) {
        let descriptor = sscard_epoll_create()
        guard descriptor >= 0 else { throw SystemError.current("epoll_create1") }
        self.descriptor = descriptor
    }

    func add(_ fd: Int32, interest: Interest, token: UInt64) throws(SystemError) {
        guard sscard_epoll_control(descriptor, 1, fd, interest.rawValue, token) == 0 else {
            throw SystemError.current("epoll_ctl(ADD)")
        }
    }

    func modify(_ fd: Int32, interest: Interest, token: UInt64) {
        _ = sscard_epoll_control(descriptor, 3, fd, interest.rawValue, token)
    }

    func remove(_ fd: Int32) {
        _ = sscard_epoll_control(descriptor, 2, fd, 0, 0)
    }

    /// Waits for events; `timeoutMilliseconds` -1 waits indefinitely.
    func wait(timeoutMilliseconds: Int32) -> [Event] {
        let count = tokens.withUnsafeMutableBufferPointer { tokenBuffer in
            bits.withUnsafeMutableBufferPointer { bitBuffer in
                sscard_epoll_wait(descriptor, tokenBuffer.baseAddress, bitBuffer.baseAddress, 256, timeoutMilliseconds)
            }
        }
        guard count > 0 else { return [] }
        return (0..<Int(count)).map { Event(token: tokens[$0], bits: bits[$0]) }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    deinit { close() }
}
