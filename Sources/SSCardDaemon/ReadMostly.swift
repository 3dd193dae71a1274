import Glibc

/// A value read on every call and replaced rarely (the role resolver on
/// SIGHUP, the user-name cache on a new uid), behind a reader-writer lock.
///
/// Under a `Mutex` the 16 varlink workers queued behind one another on every
/// call, just to copy the value out: 16-client GetStatus fell to half its
/// rate (docs/benchmarks.md, session 4). Readers of a `pthread_rwlock_t` do
/// not exclude one another. The lock lives in its own allocation (it must not
/// move) and is owned by this instance.
final class ReadMostly<Value>: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    /// Runs `body` with the value under the shared (read) lock.
    func read<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// Runs `body` with the value under the exclusive (write) lock.
    func write<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
