import Synchronization

/// A fixed number of 64-bit counters, each an `Atomic` in one allocation:
/// what every call increments on its way out, so it must cost a few relaxed
/// atomic adds and no lock (the 16-client GetStatus benchmark would show a
/// lock here; docs/benchmarks.md). `Atomic` is not copyable, so it cannot
/// live in an Array; a pointer to `count` of them, owned by this object, can.
final class AtomicCounters: Sendable {
    let count: Int
    private nonisolated(unsafe) let storage: UnsafeMutablePointer<Atomic<UInt64>>

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        for index in 0..<count { (storage + index).initialize(to: Atomic(0)) }
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func add(_ index: Int, _ amount: UInt64 = 1) {
        precondition(index >= 0 && index < count, "counter \(index) of \(count)")
        storage[index].wrappingAdd(amount, ordering: .relaxed)
    }

    /// A counter's value now. Counters read one by one while calls go on
    /// may be a call apart from each other; the next file catches up.
    func value(_ index: Int) -> UInt64 {
        storage[index].load(ordering: .relaxed)
    }
}
