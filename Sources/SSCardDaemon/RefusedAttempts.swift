import Foundation
import Registry
import SSCardValues

/// Writes refused attempts to the audit trail, at most twice per uid and
/// minute (`RefusedCallTally`): the first attempt as it is, the rest as one
/// `refusedCalls` summary.
///
/// Every refusal that a caller can repeat at will goes through here: calls
/// the role does not permit, a kiosk naming a reader that is not its own,
/// and a holder named by number and name that does not match. So no peer, of
/// any role, grows the database by calling in a loop.
struct RefusedAttempts: Sendable {
    let registry: Registry
    let tally = RefusedCallTally()

    /// Records one refusal of `method` by the peer `uid`, acting as `actor`;
    /// true when it was the first of its minute, recorded in full (the
    /// caller's journal line follows the same rule).
    @discardableResult
    func record(uid: uid_t, actor: Actor, method: String, action: AuditAction,
                cardNumber: CardNumber? = nil, ssn: SocialSecurityNumber? = nil, reason: String) -> Bool {
        let (decision, ended) = tally.note(uid: uid, actor: actor, method: method)
        write(ended)
        guard decision == .recordAttempt else { return false }
        try? registry.recordRefusedAttempt(action: action, actor: actor, cardNumber: cardNumber, ssn: ssn,
                                           reason: reason)
        return true
    }

    /// Writes the summaries of the minutes that have ended; every few
    /// seconds (`VarlinkEndpoint`).
    func writeEnded() {
        write(tally.ended())
    }

    /// Writes what is counted and not yet written; at stop.
    func flush() {
        write(tally.drain())
    }

    private func write(_ summaries: [RefusedCallTally.Summary]) {
        for summary in summaries {
            try? registry.recordRefusedAttempt(action: .refusedCalls, actor: summary.actor, reason: summary.reason)
        }
    }
}
