/// One submitted write closure and the way to hand its result back, either to
/// a blocked thread or to an awaiting task.
final class PendingWrite<T>: QueuedWrite, @unchecked Sendable {
    // @unchecked: `value` is written on the writer thread before `finish`,
    // and read only inside `finish`, on the same thread.
    // Dropped in `finish`, before the caller is woken: a caller may pass a
    // closure that must not outlive its call (`withoutActuallyEscaping`).
    private var body: ((Connection) throws -> T)?
    private let completion: (Result<T, any Error>) -> Void
    private var value: T?

    init(_ body: @escaping (Connection) throws -> T, completion: @escaping (Result<T, any Error>) -> Void) {
        self.body = body
        self.completion = completion
    }

    func perform(_ connection: Connection) throws {
        guard let body else { throw GroupCommitError.closed }
        value = try body(connection)
    }

    func finish(_ failure: (any Error)?) {
        body = nil
        if let failure {
            completion(.failure(failure))
        } else if let value {
            completion(.success(value))
        } else {
            completion(.failure(GroupCommitError.closed))
        }
        value = nil
    }
}
