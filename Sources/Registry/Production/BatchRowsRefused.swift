/// The engine refused a batch's rows while applying them: a key already
/// taken, an application that was not `producing`, a card number or chip
/// among the cards. The apply is rolled back, and the registry then finds
/// every row at fault and names each (`Registry.importBatch`): the common
/// case, a good batch, pays for set-based checks only.
public struct BatchRowsRefused: Error, CustomStringConvertible {
    /// What the engine saw, for the log when no row is found at fault.
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "the registry refused the batch's rows: \(reason)" }
}
