/// The card changes one write body makes, collected on the writer thread and
/// handed to the status cache by the caller once the commit is durable.
///
/// A body that throws is rolled back on its own, and its collection is
/// dropped with it: the cache only ever learns of committed changes.
final class CardChanges: @unchecked Sendable {
    // Written by the group-commit thread while the caller waits, read by the
    // caller after `GroupCommit.write` returns: the hand-off orders the two.
    private(set) var list: [CardStatusCache.Change] = []

    func append(_ change: CardStatusCache.Change) { list.append(change) }
}
