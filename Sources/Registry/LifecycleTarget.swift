/// Where an allowed operation leads.
public enum LifecycleTarget: Hashable, Sendable {
    /// A fixed state; `remembersPrevious` keeps the interrupted state so that a
    /// later release or unseal restores it exactly.
    case state(CardState, remembersPrevious: Bool)
    /// Back to the state the loss or seal interrupted.
    case previous
    /// The state does not change (password operations); the event is still audited.
    case unchanged
}
