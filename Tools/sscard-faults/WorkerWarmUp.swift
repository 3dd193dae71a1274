import Foundation
import SSCardInterfaces
import Varlink

/// Puts every sscardd worker thread to use once before a run's first
/// sample. Each worker opens its pooled registry connection on its first
/// call (docs/protocol-transport.md: a reader per worker), and the LIFO
/// wakeup reaches the idle ones only under concurrency; without this, a
/// worker first used late in a run would show up as descriptor "growth".
enum WorkerWarmUp {
    /// `clients` connections (more than the 16 workers) each make `calls`
    /// GetStatus calls at the same time.
    static func run(socketPath: String, cardNumber: String, clients: Int = 24, calls: Int = 40) throws {
        let group = DispatchGroup()
        let lock = NSLock()
        nonisolated(unsafe) var failure: Error?
        for _ in 0..<clients {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let client = try VarlinkClient(path: socketPath)
                    for _ in 0..<calls {
                        _ = try client.call(RegistryMethod.getStatus.name, .fields([.cardNumber: .string(cardNumber)]))
                    }
                } catch {
                    lock.withLock { failure = failure ?? error }
                }
            }
        }
        group.wait()
        if let failure { throw failure }
    }
}
