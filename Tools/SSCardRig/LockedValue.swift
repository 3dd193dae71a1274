import Synchronization

/// A value shared between a test and the threads it starts (a child's
/// output reader, a subscriber's callback, a load's workers): the one locked
/// box of the rig (SSCardRig), over the standard library's `Mutex`, instead of
/// a class with an `NSLock` and `@unchecked Sendable` in each test.
public final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// The current value, a copy.
    public var value: Value {
        mutex.withLock { $0 }
    }

    /// Replaces the value.
    public func set(_ value: Value) {
        mutex.withLock { $0 = value }
    }

    /// Changes the value in place and returns what `body` returns, under the lock.
    @discardableResult
    public func withLock<Result: Sendable>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value in try body(&value) }
    }
}

extension LockedValue where Value: RangeReplaceableCollection {
    /// Appends under the lock: the common case of collecting events.
    public func append(_ element: Value.Element) {
        mutex.withLock { $0.append(element) }
    }
}
