/// One submitted write closure and the way to hand its result back, either to
/// a blocked thread or to an awaiting task.
final class PendingWrite<T>: QueuedWrite, @unchecked Sendable {
    // @unchecked: `body` and `value` are touched only on the writer thread.
    private var body: ((Connection) throws -> T)?
    private let completion: (Result<T, any Error>) -> Void
    private var value: T?

    init(_ body: @escaping (Connection) throws -> T, completion: @escaping (Result<T, any Error>) -> Void) {
        self.body = body
        self.completion = completion
    }

    func perform(_ connection: Connection) throws {
        guard let body else { return }
        value = try body(connection)
    }

    func finish(_ failure: (any Error)?) {
        // Let go of the caller's closure *before* waking the caller: a blocked
        // caller may have passed a non-escaping closure through
        // `withoutActuallyEscaping`, which traps if it is still retained.
        body = nil
        let result: Result<T, any Error>
        if let failure {
            result = .failure(failure)
        } else if let value {
            result = .success(value)
        } else {
            result = .failure(GroupCommitError.closed)
        }
        value = nil
        completion(result)
    }
}
