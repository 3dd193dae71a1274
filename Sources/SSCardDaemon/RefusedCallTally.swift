import Foundation
import Registry
import Synchronization

/// Refused calls, counted per peer (uid and role) and minute.
///
/// Every refusal used to be a durable audit write, so any member of the
/// socket group, and any kiosk, could grow the database without bound by
/// calling in a loop. Now a uid's first refusal in a minute is written at
/// once (the attempt is on record, against the card it named), the rest of
/// that minute only counted, and the count written as one summary entry
/// when the minute is over: at the uid's next refusal after it, at the sweep
/// of any later refusal, or when sscardd stops. At most two writes per uid
/// and minute, whatever the role. A crash loses the count of the minute in
/// progress, never the first attempt.
final class RefusedCallTally: Sendable {
    static let window: Duration = .seconds(60)

    /// What to write for a refusal just counted.
    enum Decision: Equatable {
        /// The first in its minute: record it as the refused attempt it is.
        case recordAttempt
        /// Counted in the minute's summary.
        case counted
    }

    /// A finished minute of one uid's refusals beyond the first.
    struct Summary: Equatable {
        let uid: uid_t
        /// Who the peer was at its first refusal of the minute: the summary is written as them.
        let actor: Actor
        let count: Int
        let methods: [String]
        let from: Date
        let to: Date

        var reason: String {
            let format = ISO8601DateFormatter()
            let who = actor.role == .none ? "a peer with no role" : "a peer with role \(actor.role.rawValue)"
            return "\(count) more call(s) refused to \(who) between \(format.string(from: from)) "
                + "and \(format.string(from: to)): \(methods.joined(separator: ", "))"
        }
    }

    private struct Minute {
        var actor: Actor
        var started: ContinuousClock.Instant
        var firstAt: Date
        var lastAt: Date
        var further = 0
        var methods: Set<String> = []
    }

    /// A peer: its uid and the role it called with (one uid may call with
    /// different groups, and so different roles; each is its own record).
    private struct Peer: Hashable {
        let uid: uid_t
        let role: Actor.Role
    }

    private let minutes = Mutex<[Peer: Minute]>([:])

    /// Counts a refusal; returns what to write now, and the summaries of
    /// minutes that have ended (for any uid), which the caller writes.
    func note(uid: uid_t, actor: Actor, method: String, now: ContinuousClock.Instant = .now, date: Date = Date())
        -> (Decision, [Summary]) {
        minutes.withLock { minutes in
            var ended = Self.takeEnded(&minutes, now: now)
            let decision: Decision
            let peer = Peer(uid: uid, role: actor.role)
            if var minute = minutes[peer] {
                minute.further += 1
                minute.lastAt = date
                minute.methods.insert(method)
                minutes[peer] = minute
                decision = .counted
            } else {
                minutes[peer] = Minute(actor: actor, started: now, firstAt: date, lastAt: date)
                decision = .recordAttempt
            }
            ended.sort { $0.uid < $1.uid }
            return (decision, ended)
        }
    }

    /// The summaries of the minutes that have ended by `now`: what the
    /// periodic write takes, so that a peer who stopped calling is not left
    /// unwritten until the next refusal or the stop.
    func ended(now: ContinuousClock.Instant = .now) -> [Summary] {
        minutes.withLock { minutes in Self.takeEnded(&minutes, now: now).sorted { $0.uid < $1.uid } }
    }

    /// Every minute's summary, ended or not: what to write at stop.
    func drain() -> [Summary] {
        minutes.withLock { minutes in
            let all = minutes.compactMap { peer, minute in Self.summary(peer.uid, minute) }
            minutes.removeAll()
            return all.sorted { $0.uid < $1.uid }
        }
    }

    private static func takeEnded(_ minutes: inout [Peer: Minute], now: ContinuousClock.Instant) -> [Summary] {
        var ended: [Summary] = []
        for (peer, minute) in minutes where minute.started.duration(to: now) >= window {
            minutes[peer] = nil
            if let summary = summary(peer.uid, minute) { ended.append(summary) }
        }
        return ended
    }

    private static func summary(_ uid: uid_t, _ minute: Minute) -> Summary? {
        guard minute.further > 0 else { return nil }
        return Summary(uid: uid, actor: minute.actor, count: minute.further, methods: minute.methods.sorted(),
                       from: minute.firstAt, to: minute.lastAt)
    }
}
