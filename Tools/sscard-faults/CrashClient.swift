import Foundation
import SSCardInterfaces
import SSCardValues
import Varlink

/// One of the crash scenario's clients: on its own connection it sends
/// mutations to its own cards and its own application, one at a time, and
/// logs every acknowledged reply in its ledgers, until the daemon dies under it.
final class CrashClient: @unchecked Sendable {
    let index: Int
    var cards: [CardLedger]
    /// Every application this client started; the last one is in production.
    var applications: [ApplicationLedger] = []
    /// Application calls acknowledged since the last check.
    var acknowledgedApplicationCalls = 0
    /// Replies no prediction allowed; any is a failure of the run.
    var surprises: [String] = []
    private var nextHolder: Int
    private var random: SeededRandom

    init(index: Int, cards: [CardLedger], firstHolder: Int, seed: UInt64) {
        self.index = index
        self.cards = cards
        self.nextHolder = firstHolder
        self.random = SeededRandom(seed: seed)
    }

    /// Sends calls until the connection breaks (the daemon was killed) or a
    /// reply surprises; `onAcknowledged` runs after every answered call.
    func hammer(socketPath: String, onAcknowledged: () -> Void) {
        guard let client = try? VarlinkClient(path: socketPath, timeout: .seconds(30)) else { return }
        defer { client.close() }
        while true {
            let answered = Int.random(in: 0..<6, using: &random) == 0 ? stepApplication(client) : stepCard(client)
            guard answered else { return }
            onAcknowledged()
        }
    }

    /// One card mutation: mostly one the lifecycle allows, sometimes any (a
    /// refusal is a durable audit entry too). False once the call went unanswered.
    private func stepCard(_ client: VarlinkClient) -> Bool {
        let slot = Int.random(in: 0..<cards.count, using: &random)
        let position = cards[slot].acknowledged
        let allowed = CardMove.allCases.filter { $0.target(from: position) != nil }
        let move = Int.random(in: 0..<10, using: &random) == 0 || allowed.isEmpty
            ? CardMove.allCases.randomElement(using: &random)!
            : allowed.randomElement(using: &random)!
        let expected = move.target(from: position)
        cards[slot].inFlight = (move, Date())
        do {
            let reply = try client.call(move.method, move.parameters(cards[slot].cardNumber))
            cards[slot].inFlight = nil
            guard let actual = CardPosition(reply[.card]) else {
                surprises.append("\(move) on \(cards[slot].cardNumber): reply without a card: \(reply)")
                return false
            }
            if actual != expected {
                surprises.append("\(move) on \(cards[slot].cardNumber) at \(position): answered \(actual), "
                    + "the lifecycle says \(expected.map(\.description) ?? "refused")")
            }
            cards[slot].acknowledged = actual
            cards[slot].lossExpiresAt = reply[.card]?[.lossExpiresAt]?.string
            cards[slot].acknowledgedEntries += 1
            return surprises.isEmpty
        } catch let error as VarlinkError {
            cards[slot].inFlight = nil
            guard expected == nil, error.name == RegistryErrorName.transitionRefused.name else {
                surprises.append("\(move) on \(cards[slot].cardNumber) at \(position): \(error)")
                return false
            }
            cards[slot].acknowledgedEntries += 1  // the refused attempt's entry
            return true
        } catch {
            return false  // transport: the call stays in flight
        }
    }

    /// One step of an application: Apply for a new holder, or the next
    /// production stage. False once the call went unanswered.
    private func stepApplication(_ client: VarlinkClient) -> Bool {
        if applications.last.map({ $0.applicationId != nil && $0.nextStage == nil }) ?? true {
            applications.append(ApplicationLedger(holder: FaultHolder(index: nextHolder)))
            nextHolder += 1
        }
        var ledger = applications.removeLast()
        defer { applications.append(ledger) }
        do {
            if let id = ledger.applicationId, let next = ledger.nextStage {
                ledger.inFlight = next
                let reply = try client.call(RegistryMethod.advanceApplication.name,
                                            .fields([.applicationId: .int(id), .stage: .string(next)]))
                ledger.stage = reply[.application]?[.stage]?.string
            } else {
                ledger.inFlight = "accepted"
                let reply = try client.call(RegistryMethod.apply.name, .fields([
                    .holder: .fields([.ssn: .string(ledger.holder.ssn), .name: .string(ledger.holder.name)]),
                    .evidence: FaultHolder.idCard,
                ]))
                ledger.applicationId = reply[.application]?[.applicationId]?.int
                ledger.stage = reply[.application]?[.stage]?.string
            }
            if ledger.stage != ledger.inFlight {
                surprises.append("application of holder \(ledger.holder.index): asked for \(ledger.inFlight ?? "?"), "
                    + "answered \(ledger.stage ?? "no stage")")
            }
            ledger.inFlight = nil
            acknowledgedApplicationCalls += 1
            return surprises.isEmpty
        } catch let error as VarlinkError {
            surprises.append("application of holder \(ledger.holder.index): \(error)")
            ledger.inFlight = nil
            return false
        } catch {
            return false
        }
    }
}
