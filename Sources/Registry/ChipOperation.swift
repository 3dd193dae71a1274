/// A command sscardd sends to a card's chip on behalf of the registry: it
/// changes the chip (its PIN) or spends the chip's PIN tries.
///
/// The registry decides each one before the first command reaches the chip
/// (`Registry.authorise`), by the rule of the lifecycle operation it stands
/// for, and records how it ended (`Registry.recordChipOutcome`).
public enum ChipOperation: String, CaseIterable, Sendable {
    /// PIN UNBLOCK then RELOAD PIN, MAC'd: the counter's password reset.
    case resetPassword
    /// CHANGE PIN with the old PIN: the holder's password change.
    case changePassword
    /// VERIFY: spends a PIN try when wrong, so a lost card's PIN cannot be
    /// guessed through sscardd.
    case verifyPin
    /// APPLICATION BLOCK (temporary, P2 `00`), MAC'd: a lock done on the
    /// chip as well as in the registry. The permanent block is never sent.
    case lockApplication
    /// APPLICATION UNBLOCK, MAC'd: an unlock done on the chip as well.
    case unlockApplication

    /// The row of the transition table whose state, channel and evidence
    /// rules decide this chip operation.
    public var lifecycleOperation: CardOperation {
        switch self {
        case .resetPassword: return .resetPassword
        // A verification uses the PIN as a change does: on an active card only.
        case .changePassword, .verifyPin: return .changePassword
        case .lockApplication: return .lock
        case .unlockApplication: return .unlock
        }
    }

    /// The audit trail's action: a reset or change is its lifecycle
    /// operation's own; a verification is `verifyPin`.
    public var auditAction: AuditAction {
        switch self {
        case .resetPassword, .changePassword, .lockApplication, .unlockApplication: return AuditAction(lifecycleOperation)
        case .verifyPin: return .verifyPin
        }
    }

    /// Whether the registry's card record changes when the chip operation
    /// succeeds (a reset or change is recorded as its lifecycle operation);
    /// a verification changes nothing and is recorded as an entry alone.
    public var isRecordedAsLifecycle: Bool { self != .verifyPin }

    /// A verification needs no identity document: the PIN is the evidence.
    var needsEvidence: Bool { self != .verifyPin }
}

/// How an authorised chip operation ended, for the audit trail. Never holds a PIN.
public enum ChipOutcome: Sendable, Hashable {
    case done
    /// The chip refused or the card could not complete the command: the
    /// status word when the chip answered one, and a short reason.
    case failed(statusWord: String?, reason: String)
}
