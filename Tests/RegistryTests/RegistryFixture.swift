import Foundation
import Registry
import SSCardValues

/// A registry on a real SQLite file in a fresh temporary directory, with a
/// manual clock, and builders that put cards into any lifecycle state.
final class RegistryFixture {
    let directory: URL
    let path: String
    let clock: ManualClock
    var store: SQLiteRegistryStore
    var registry: Registry
    let policy: Policy

    static let start = Timestamp(rfc3339: "2026-11-24T02:00:00Z")!
    static let counter = Actor(id: "op-wang", role: .operator, channel: .counter, servicePoint: "140105-01")
    static let admin = Actor(id: "admin-li", role: .admin, channel: .counter, servicePoint: "140105-01")
    static let kiosk = Actor(id: "kiosk-3", role: .kiosk, channel: .kiosk, servicePoint: "140105-01")
    static let idCard = Evidence(document: .idCard)

    init(policy: Policy = Policy()) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sscard-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("registry.sqlite").path
        clock = ManualClock(Self.start)
        self.policy = policy
        store = try SQLiteRegistryStore(path: path)
        registry = Registry(store: store, clock: clock, policy: policy, servicePoint: "140105-01")
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Closes and opens the file again, as a daemon restart would.
    func reopen() throws {
        try store.close()
        store = try SQLiteRegistryStore(path: path)
        registry = Registry(store: store, clock: clock, policy: policy, servicePoint: "140105-01")
    }

    /// The n-th valid adult social security number (born 1980-01-01 + n days within a year).
    static func ssn(_ n: Int) -> SocialSecurityNumber {
        let body = "140105" + "1980" + String(format: "%02d%02d", n / 28 % 12 + 1, n % 28 + 1) + String(format: "%03d", n % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return try! SocialSecurityNumber(body + String(Array("10X98765432")[sum % 11]))
    }

    static func cardNumber(_ n: Int) -> CardNumber {
        try! CardNumber.withCheckCharacter(body: "A" + String(format: "%07d", n))
    }

    static func cardId(_ n: Int) -> CardIdentificationCode {
        try! CardIdentificationCode("140105D156000005" + String(format: "%016X", n))
    }

    /// A holder with a produced application and a bound, issued card.
    @discardableResult
    func issuedCard(_ n: Int, name: String = "张三") throws -> CardRecord {
        let holder = Holder(ssn: Self.ssn(n), name: try HolderName(name))
        let application = try registry.apply(for: holder, evidence: Self.idCard, actor: Self.counter)
        for stage in [ApplicationStage.reviewed, .ordered, .producing, .produced] {
            _ = try registry.advance(applicationId: application.id, to: stage, actor: Self.admin)
        }
        return try registry.bind(applicationId: application.id,
                                 chip: ChipIdentity(cardNumber: Self.cardNumber(n), cardId: Self.cardId(n),
                                                    ssn: holder.ssn),
                                 actor: Self.counter, evidence: Self.idCard)
    }

    func request(_ n: Int, actor: Actor = RegistryFixture.counter, evidence: Evidence = RegistryFixture.idCard,
                 reason: String? = "holder's request") -> CardRequest {
        CardRequest(cardNumber: Self.cardNumber(n), actor: actor, evidence: evidence, reason: reason)
    }

    /// A card brought to `state` by the shortest path of real operations.
    @discardableResult
    func card(_ n: Int, in state: CardState) throws -> CardRecord {
        var card = try issuedCard(n)
        let path: [CardOperation]
        switch state {
        case .issued: path = []
        case .active: path = [.activate]
        case .locked: path = [.activate, .lock]
        case .temporarilyLost: path = [.activate, .reportTemporaryLoss]
        case .formallyLost: path = [.activate, .reportFormalLoss]
        case .sealed: path = [.activate, .seal]
        case .cancelled: path = [.cancel]
        }
        for operation in path {
            card = try registry.perform(operation, request(n, actor: Self.admin))
        }
        return card
    }
}
