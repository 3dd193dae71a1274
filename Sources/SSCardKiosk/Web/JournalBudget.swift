/// How often a refusal anyone on the host can cause reaches the journal:
/// the first of each minute is logged, the others are counted and named in
/// the next line that is, so a loop of wrong requests cannot flood it.
struct JournalBudget {
    static let window = 60.0
    private var windowStart = -Double.infinity
    private var unlogged = 0

    /// Whether to log the occurrence at `now` (seconds), and how many went
    /// unlogged since the last logged one.
    mutating func note(at now: Double) -> (log: Bool, unlogged: Int) {
        guard now - windowStart >= Self.window else {
            unlogged += 1
            return (false, unlogged)
        }
        defer { windowStart = now; unlogged = 0 }
        return (true, unlogged)
    }
}
