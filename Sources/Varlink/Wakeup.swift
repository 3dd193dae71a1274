import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// An eventfd the I/O thread polls so other threads can interrupt its
/// epoll_wait (a reply is ready, stop was requested). Writes coalesce, so any
/// number of signals cost one wakeup.
final class Wakeup: @unchecked Sendable {
    let descriptor: Int32

    init() throws(SystemError) {
        let descriptor = sscard_eventfd_create()
        guard descriptor >= 0 else { throw SystemError.current("eventfd") }
        self.descriptor = descriptor
    }

    func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(descriptor, $0.baseAddress, 8) }
    }

    /// Resets the counter; call before looking at whatever the signal announced.
    func drain() {
        var count: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &count) { read(descriptor, $0.baseAddress, 8) }
    }

    /// Closed only when the last holder lets go: replies still in flight on
    /// worker threads may signal after the server stopped, and must never
    /// write to a descriptor number that has been reused.
    deinit { Glibc.close(descriptor) }
}
