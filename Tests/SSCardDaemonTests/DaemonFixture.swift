import Foundation
import SSCardInterfaces
import SSCardRig
import SSCardValues
import Varlink

/// Identities, clients and waits shared by the daemon tests.
enum Fixture {
    static func ssn(_ n: Int) -> String {
        let body = String(format: "1401051985%02d%02d%03d", n / 28 % 12 + 1, n % 28 + 1, n % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    static func cardNumber(_ n: Int) -> String {
        try! CardNumber.withCheckCharacter(body: "C" + String(format: "%07d", n)).rawValue
    }

    static func cardId(_ n: Int) -> String { "140105D156000005" + String(format: "%016X", n + 0x5000) }

    static func client(_ rig: DaemonRig) throws -> VarlinkClient {
        try VarlinkClient(path: rig.socketPath, timeout: .seconds(30))
    }

    static let idCard: JSONValue = .fields([.document: "idCard"])
    /// What a password reset needs: the ID card and the card itself.
    static let idCardAndCard: JSONValue = .fields([.documents: [.fields([.kind: "idCard"]), .fields([.kind: "socialSecurityCard"])]])

    /// Applies for, produces and binds (by identity) a card for holder n; returns its number.
    @discardableResult
    static func issue(_ n: Int, name: String = "李四", activate: Bool = true, client: VarlinkClient) throws -> String {
        let reply = try client.call(RegistryMethod.apply.name, .fields([
            .holder: .fields([.ssn: .string(ssn(n)), .name: .string(name)]), .evidence: idCard,
        ]))
        let id = reply[.application]?[.applicationId]?.int ?? -1
        for stage in ["reviewed", "ordered", "producing", "produced"] {
            _ = try client.call(RegistryMethod.advanceApplication.name, .fields([.applicationId: .int(id), .stage: .string(stage)]))
        }
        _ = try client.call(RegistryMethod.bindCard.name, .fields([
            .applicationId: .int(id), .evidence: idCard,
            .identity: .fields([.cardNumber: .string(cardNumber(n)), .cardId: .string(cardId(n)), .ssn: .string(ssn(n)),
                         .name: .string(name)]),
        ]))
        if activate {
            _ = try client.call(RegistryMethod.activate.name, .fields([.cardNumber: .string(cardNumber(n)), .evidence: idCard]))
        }
        return cardNumber(n)
    }

    /// Inserts a virtual card for holder n into `slot` and waits until sscardd's
    /// monitor reports it inserted with its identity read.
    static func insert(_ n: Int, name: String = "李四", slot: Int = 0, rig: DaemonRig, traced: Bool = false) throws -> ChildProcess {
        try insert(profile: DaemonRig.profile(cardNumber: cardNumber(n), cardId: cardId(n), ssn: ssn(n), name: name),
                   slot: slot, rig: rig, traced: traced, name: "card\(n)")
    }

    /// Inserts a virtual card with `profile`; with `traced`, it prints each
    /// command's header (`sscard-vcard --trace headers`) for the test to count.
    static func insert(profile: String, slot: Int = 0, rig: DaemonRig, traced: Bool = false,
                       name: String = "card") throws -> ChildProcess {
        let watcher = try MonitorWatcher(rig)
        let card = try PCSCRig.shared.insertCards([(slot, profile)], name: name, trace: traced)
        let reader = slot == 0 ? PCSCRig.reader0 : PCSCRig.reader1
        try watcher.wait { $0[.event]?.string == "cardInserted" && $0[.reader]?.string == reader && $0[.identity] != nil }
        return card
    }

    /// Takes a virtual card out and waits until sscardd has seen it go, so
    /// the slot is free for the next card (vpcd notices a vanished card only
    /// at its next presence poll).
    static func remove(_ card: ChildProcess, slot: Int = 0, rig: DaemonRig) {
        let watcher = try? MonitorWatcher(rig)
        card.terminate()
        let reader = slot == 0 ? PCSCRig.reader0 : PCSCRig.reader1
        _ = try? watcher?.wait { $0[.event]?.string == "cardRemoved" && $0[.reader]?.string == reader }
    }

    /// The error a call fails with, or nil if it succeeds.
    static func error(_ body: () throws -> Void) -> VarlinkError? {
        do {
            try body()
            return nil
        } catch let error as VarlinkError {
            return error
        } catch {
            return VarlinkError("unexpected", ["error": .string(String(describing: error))])
        }
    }
}

/// Streams a Monitor method on a thread of its own and lets a test wait for an event.
final class MonitorWatcher: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [JSONValue] = []
    private var ended = false
    private let client: VarlinkClient

    init(_ rig: DaemonRig, method: String = ReaderMethod.monitor.name) throws {
        client = try VarlinkClient(path: rig.socketPath, timeout: nil)
        let subscribed = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            var first = true
            try? client.stream(method, [:]) { event in
                condition.withLock {
                    events.append(event)
                    condition.broadcast()
                }
                if first {
                    first = false
                    subscribed.signal()
                }
                return true
            }
            condition.withLock {
                ended = true
                condition.broadcast()
            }
            if first { subscribed.signal() }
        }
        // Registry.Monitor answers "subscribed" first; Reader.Monitor starts with a reader snapshot.
        _ = subscribed.wait(timeout: .now() + 10)
    }

    /// Every event received so far, in order.
    var received: [JSONValue] { condition.withLock { events } }

    /// Waits (bounded by a deadline, ended by the event) for an event matching `matches`.
    @discardableResult
    func wait(timeout: TimeInterval = 20, _ matches: (JSONValue) -> Bool) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        var index = 0
        while true {
            while index < events.count {
                if matches(events[index]) { return events[index] }
                index += 1
            }
            if ended || !condition.wait(until: deadline) {
                throw RigError.timeout("monitor event; saw \(events.map(\.description).suffix(5))")
            }
        }
    }

    deinit { client.close() }
}
