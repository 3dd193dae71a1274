/// A caller's write as the writer thread sees it: type-erased so one batch
/// can hold closures returning different types.
protocol QueuedWrite: AnyObject, Sendable {
    /// Runs the caller's closure on the writer thread and keeps its value.
    func perform(_ connection: Connection) throws
    /// Reports the outcome; called only after the batch's COMMIT (or its failure).
    func finish(_ failure: (any Error)?)
}
