import Foundation
import SSCardInterfaces
import SSCardRig
import Varlink

/// The soak run's clients, each a `ClientLoop`: what a busy service point
/// does to sscardd at once.
///
/// - two counters looking cards up (GetStatus, timed: the latency the soak watches);
/// - one counter changing cards (temporary loss and release, lock and
///   unlock, holder updates), each a durable commit, timed separately;
/// - one kiosk reading the card in reader 0 (ReadCard);
/// - one Registry.Monitor subscriber for the whole run;
/// - monitor churn: Reader.Monitor and Registry.Monitor subscriptions opened,
///   answered and dropped;
/// - connection churn: connect, one call, disconnect.
struct MixedLoad {
    let loops: [ClientLoop]

    init(socketPath: String, holders: [FaultHolder], status: LatencyRecorder, mutations: LatencyRecorder) {
        let numbers = holders.map(\.cardNumber)
        let evidence = FaultHolder.idCard
        var loops: [ClientLoop] = []
        for index in 0..<2 {
            loops.append(ClientLoop(name: "status-\(index)", socketPath: socketPath) { client, step in
                let number = numbers[(step * 7 + index) % numbers.count]
                let reply = try status.time {
                    try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))
                }
                guard reply[.card]?[.cardNumber]?.string == number else { throw ProbeError.unexpected("GetStatus: \(reply)") }
            })
        }
        loops.append(ClientLoop(name: "mutations", socketPath: socketPath) { client, step in
            let holder = holders[step % holders.count]
            let card: JSONValue = .fields([.cardNumber: .string(holder.cardNumber), .evidence: evidence])
            func timed(_ method: RegistryMethod, _ parameters: JSONValue) throws {
                _ = try mutations.time { try client.call(method.name, parameters) }
            }
            switch step / holders.count % 3 {
            case 0:
                try timed(.reportLoss, .fields([.kind: "temporary", .cardNumber: .string(holder.cardNumber), .evidence: evidence]))
                try timed(.releaseLoss, card)
            case 1:
                try timed(.lock, card)
                try timed(.unlock, card)
            default:
                try timed(.updateHolder, .fields([.ssn: .string(holder.ssn), .phone: .string("1380013\(String(format: "%04d", step % 10000))"),
                                           .evidence: evidence]))
            }
        })
        let inReader = holders[0].cardNumber
        loops.append(ClientLoop(name: "ReadCard", socketPath: socketPath) { client, _ in
            let reply = try client.call(ReaderMethod.readCard.name, .fields([.reader: .string(PCSCRig.reader0)]))
            guard reply[.identity]?[.cardNumber]?.string == inReader else { throw ProbeError.unexpected("ReadCard: \(reply)") }
        })
        // One long subscription: the step streams until the loop is told to stop
        // (checked at each event; the mutations keep events coming).
        let subscriber = ClientLoop(name: "monitor", socketPath: socketPath) { client, _ in
            try client.stream(RegistryMethod.monitor.name) { _ in !Thread.current.isCancelled }
        }
        loops.append(subscriber)
        loops.append(ClientLoop(name: "monitor-churn", socketPath: socketPath) { _, step in
            let client = try VarlinkClient(path: socketPath)
            let method = step % 2 == 0 ? ReaderMethod.monitor.name : RegistryMethod.monitor.name
            var seen = 0
            try client.stream(method) { _ in
                seen += 1
                return false
            }
            guard seen == 1 else { throw ProbeError.unexpected("\(method): \(seen) first replies") }
        })
        loops.append(ClientLoop(name: "connect-churn", socketPath: socketPath) { _, step in
            let client = try VarlinkClient(path: socketPath)
            defer { client.close() }
            let number = numbers[step % numbers.count]
            _ = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(number)]))
        })
        self.loops = loops
    }
}
