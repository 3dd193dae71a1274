/// sscardctl's exit codes (documented in sscardctl(1) and docs/protocol.md).
public enum ExitCode: Int32, CaseIterable {
    case success = 0
    /// The daemon refused the request: not found, not allowed in this state, a rule.
    case refused = 1
    /// The command line is wrong.
    case usage = 2
    /// The daemon's socket could not be reached.
    case unreachable = 3
    /// The caller's role may not do this.
    case permissionDenied = 4
    /// Anything else: a protocol error, a reader or card failure.
    case failure = 5
    /// The registry cannot be used now (its database unreachable, its store
    /// failed, or its file system full); nothing was changed unless the message says the outcome is
    /// unknown. sscardd reconnects by itself: trying again later is the remedy.
    case registryUnavailable = 6
    /// `verify-audit` answered: the audit trail is not intact (a nightly
    /// check in cron or a timer sees it in the exit status).
    case auditNotIntact = 7
}
