import Foundation
import SSCardInterfaces
import Varlink

/// After a SIGKILL and a restart: holds the registry to what the clients
/// were told, card by card, then adopts what it found as the next round's
/// starting point.
struct CrashCheck {
    enum Kind: String, CaseIterable {
        case acknowledgedPresent = "every acknowledged mutation present"
        case nothingHalfApplied = "nothing half applied: card = its audit trail"
        case auditIntact = "audit chain verifies after each restart"
        case deadlinesIntact = "temporary-loss deadlines intact"
    }

    struct Findings {
        var problems: [Kind: [String]] = [:]
        var acknowledged = 0
        var inFlight = 0
        var inFlightApplied = 0
        var deadlines = 0
        var auditEntries = 0

        mutating func fail(_ kind: Kind, _ message: String) { problems[kind, default: []].append(message) }
    }

    let client: VarlinkClient

    /// Checks every client's ledgers; `killedAt` bounds the deadline of a
    /// temporary loss that was in flight.
    func run(_ clients: [CrashClient], killedAt: Date, round: Int, into findings: inout Findings) throws {
        let pending = try client.call(RegistryMethod.pendingReleases.name, .fields([.limit: 100_000]))[.releases]?.array ?? []
        var pendingDeadlines: [String: String] = [:]
        for release in pending {
            if let card = release[.cardNumber]?.string { pendingDeadlines[card] = release[.lossExpiresAt]?.string }
        }
        var temporarilyLost = 0
        for crashClient in clients {
            for slot in crashClient.cards.indices {
                try check(&crashClient.cards[slot], killedAt: killedAt, round: round,
                          pendingDeadlines: pendingDeadlines, into: &findings)
                if crashClient.cards[slot].acknowledged.state == "temporarilyLost" { temporarilyLost += 1 }
            }
            for slot in crashClient.applications.indices {
                try check(&crashClient.applications[slot], round: round, into: &findings)
            }
            findings.acknowledged += crashClient.acknowledgedApplicationCalls
            crashClient.acknowledgedApplicationCalls = 0
        }
        if pendingDeadlines.count != temporarilyLost {
            findings.fail(.deadlinesIntact, "round \(round): \(pendingDeadlines.count) pending releases for \(temporarilyLost) temporarily lost cards")
        }
        let audit = try client.call(RegistryMethod.verifyAudit.name)
        findings.auditEntries = Int(audit[.entriesChecked]?.int ?? 0)
        if audit[.intact]?.bool != true {
            findings.fail(.auditIntact, "round \(round): \(audit)")
        }
    }

    private func check(_ ledger: inout CardLedger, killedAt: Date, round: Int, pendingDeadlines: [String: String],
                       into findings: inout Findings) throws {
        let number = ledger.cardNumber
        let card = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))[.card]
        guard let actual = CardPosition(card) else { throw FaultFailure("GetStatus of \(number) answered no card") }
        let entries = try client.call(RegistryMethod.history.name,
                                      .fields([.cardNumber: .string(number), .limit: 100_000]))[.entries]?.array ?? []
        let inFlightTarget = ledger.inFlight.map { $0.move.target(from: ledger.acknowledged) ?? ledger.acknowledged }
        let applied: Bool
        if actual == ledger.acknowledged {
            applied = false
        } else if let inFlightTarget, actual == inFlightTarget {
            applied = true
        } else {
            applied = false
            findings.fail(.acknowledgedPresent, "round \(round), card \(number): \(actual), acknowledged \(ledger.acknowledged)"
                + (ledger.inFlight.map { ", in flight \($0.move)" } ?? ""))
        }
        findings.acknowledged += ledger.acknowledgedEntries
        if ledger.inFlight != nil { findings.inFlight += 1 }
        if applied { findings.inFlightApplied += 1 }

        // Every acknowledged change and refusal has its entry; at most the one in flight more.
        let low = ledger.verifiedEntries + ledger.acknowledgedEntries
        let high = low + (ledger.inFlight == nil ? 0 : 1)
        if entries.count < low || entries.count > high || (applied && entries.count != high) {
            findings.fail(.nothingHalfApplied, "round \(round), card \(number): \(entries.count) audit entries, "
                + "expected \(low == high ? "\(low)" : "\(low)–\(high)")\(applied ? " (in-flight call applied)" : "")")
        }
        // The changes recorded chain from state to state and end in the card's state.
        let changes = entries.filter { $0[.outcome]?.string == "done" && $0[.newState]?.string != nil }
        for (earlier, later) in zip(changes, changes.dropFirst())
            where later[.oldState]?.string != earlier[.newState]?.string {
            findings.fail(.nothingHalfApplied, "round \(round), card \(number): entry \(later[.sequence]?.int ?? 0) "
                + "starts at \(later[.oldState]?.string ?? "-"), the one before ended at \(earlier[.newState]?.string ?? "-")")
        }
        if changes.last?[.newState]?.string != actual.state {
            findings.fail(.nothingHalfApplied, "round \(round), card \(number): state \(actual.state), "
                + "last recorded change ends at \(changes.last?[.newState]?.string ?? "nothing")")
        }
        checkDeadline(ledger, card: card, actual: actual, applied: applied, lastChange: changes.last,
                      killedAt: killedAt, round: round, pendingDeadlines: pendingDeadlines, into: &findings)

        ledger.acknowledged = actual
        ledger.lossExpiresAt = card?[.lossExpiresAt]?.string
        ledger.verifiedEntries = entries.count
        ledger.acknowledgedEntries = 0
        ledger.inFlight = nil
    }

    private func checkDeadline(_ ledger: CardLedger, card: JSONValue?, actual: CardPosition, applied: Bool,
                               lastChange: JSONValue?, killedAt: Date, round: Int,
                               pendingDeadlines: [String: String], into findings: inout Findings) {
        let number = ledger.cardNumber
        let deadline = card?[.lossExpiresAt]?.string
        guard actual.state == "temporarilyLost" else {
            if deadline != nil || pendingDeadlines[number] != nil {
                findings.fail(.deadlinesIntact, "round \(round), card \(number): \(actual.state) with a deadline")
            }
            return
        }
        findings.deadlines += 1
        guard let deadline else {
            findings.fail(.deadlinesIntact, "round \(round), card \(number): temporarily lost without a deadline")
            return
        }
        if pendingDeadlines[number] != deadline {
            findings.fail(.deadlinesIntact, "round \(round), card \(number): deadline \(deadline), "
                + "PendingReleases says \(pendingDeadlines[number] ?? "nothing")")
        }
        if !(lastChange?[.detail]?.string ?? "").contains("lossExpiresAt=\(deadline)") {
            findings.fail(.deadlinesIntact, "round \(round), card \(number): deadline \(deadline) is not the one its "
                + "loss report recorded (\(lastChange?[.detail]?.string ?? "no detail"))")
        }
        if !applied {
            if deadline != ledger.lossExpiresAt {
                findings.fail(.deadlinesIntact, "round \(round), card \(number): deadline \(deadline), "
                    + "acknowledged \(ledger.lossExpiresAt ?? "none")")
            }
        } else if let sentAt = ledger.inFlight?.sentAt, let seconds = RFC3339Time.seconds(deadline) {
            // A report that was in flight: seven days from some moment between sending and the kill.
            let earliest = sentAt.timeIntervalSince1970 + RFC3339Time.week - 1
            let latest = killedAt.timeIntervalSince1970 + RFC3339Time.week + 1
            if seconds < earliest || seconds > latest {
                findings.fail(.deadlinesIntact, "round \(round), card \(number): in-flight report's deadline \(deadline) "
                    + "is not seven days after the call")
            }
        }
    }

    private func check(_ ledger: inout ApplicationLedger, round: Int, into findings: inout Findings) throws {
        let holder = ledger.holder
        let status: JSONValue
        do {
            status = try client.call(RegistryMethod.getStatus.name, .fields([.ssn: .string(holder.ssn)]))
        } catch let error as VarlinkError where error.name == RegistryErrorName.holderNotFound.name {
            if ledger.applicationId != nil {
                findings.fail(.acknowledgedPresent, "round \(round): acknowledged application of holder \(holder.index) is gone")
            }
            ledger.inFlight = nil  // an unanswered Apply that did not commit: the client applies again
            return
        }
        let applications = status[.applications]?.array ?? []
        guard applications.count == 1, let found = applications.first else {
            findings.fail(.nothingHalfApplied, "round \(round): holder \(holder.index) has \(applications.count) applications")
            return
        }
        let stage = found[.stage]?.string
        if let id = ledger.applicationId, found[.applicationId]?.int != id {
            findings.fail(.acknowledgedPresent, "round \(round): holder \(holder.index)'s application is not \(id)")
        }
        if stage != ledger.stage && stage != ledger.inFlight {
            findings.fail(.acknowledgedPresent, "round \(round): holder \(holder.index)'s application at \(stage ?? "-"), "
                + "acknowledged \(ledger.stage ?? "nothing")\(ledger.inFlight.map { ", in flight \($0)" } ?? "")")
        }
        if ledger.inFlight != nil { findings.inFlight += 1 }
        if ledger.inFlight != nil && stage == ledger.inFlight && stage != ledger.stage { findings.inFlightApplied += 1 }
        ledger.applicationId = found[.applicationId]?.int
        ledger.stage = stage
        ledger.inFlight = nil
    }
}
