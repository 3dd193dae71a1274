import SSCardInterfaces
import Varlink

/// The disk scenario's client: sends mutations, remembers every acknowledged
/// outcome, and takes snapshots (state and audit-entry count per card) to
/// show that a refused call left nothing behind.
final class DiskLedger {
    /// Replaced after a restart of the daemon.
    var client: VarlinkClient
    private(set) var positions: [String: CardPosition] = [:]
    private(set) var acknowledged = 0

    init(client: VarlinkClient) { self.client = client }

    func position(_ card: String) throws -> CardPosition {
        let reply = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(card)]))
        guard let position = CardPosition(reply[.card]) else { throw FaultFailure("GetStatus of \(card) answered no card") }
        return position
    }

    /// Locks an active card, unlocks a locked one.
    func toggleLock(_ card: String) throws {
        let current = try positions[card] ?? position(card)
        try move(current.state == "locked" ? .unlock : .lock, card)
    }

    func move(_ move: CardMove, _ card: String) throws {
        let reply = try client.call(move.method, move.parameters(card))
        guard let position = CardPosition(reply[.card]) else { throw FaultFailure("\(move) on \(card) answered no card") }
        positions[card] = position
        acknowledged += 1
    }

    func apply(_ holder: FaultHolder) throws {
        _ = try client.call(RegistryMethod.apply.name, .fields([
            .holder: .fields([.ssn: .string(holder.ssn), .name: .string(holder.name)]), .evidence: FaultHolder.idCard,
        ]))
        acknowledged += 1
    }

    func holderExists(_ holder: FaultHolder) throws -> Bool {
        do {
            _ = try client.call(RegistryMethod.getStatus.name, .fields([.ssn: .string(holder.ssn)]))
            return true
        } catch let error as VarlinkError where error.name == RegistryErrorName.holderNotFound.name {
            return false
        }
    }

    /// Each card's position and number of audit entries.
    func snapshot(_ cards: [String]) throws -> [String] {
        try cards.map { card in
            let entries = try client.call(RegistryMethod.history.name,
                                          .fields([.cardNumber: .string(card), .limit: 100_000]))[.entries]?.array ?? []
            return "\(card) \(try position(card)) \(entries.count) entries"
        }
    }

    /// Cards whose registry position is not the last acknowledged one.
    func acknowledgedButMissing(_ cards: [String]) throws -> [String] {
        try cards.compactMap { card in
            guard let expected = positions[card] else { return nil }
            let actual = try position(card)
            return actual == expected ? nil : "\(card): \(actual), acknowledged \(expected)"
        }
    }
}
