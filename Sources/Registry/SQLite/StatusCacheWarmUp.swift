import Foundation
import Synchronization
import SQLiteStore
import SSCardValues

/// Loads card statuses into the cache on a thread of its own after the store
/// opens, so that opening a million-card registry stays fast and the first
/// queries after a start do not each pay for a B-tree descent.
///
/// It reads in card-number order, a chunk per read transaction, on its own
/// read-only connection; each chunk takes a cache ticket first, so a card
/// changed while the chunk was read is simply left for its next query.
final class StatusCacheWarmUp: Sendable {
    static let chunk = 2_000
    static let select = "SELECT \(SQLiteRegistryAccess.cardColumns), "
        + "(SELECT name FROM holders WHERE holders.ssn = cards.ssn) "
        + "FROM cards WHERE card_number > ? ORDER BY card_number LIMIT \(chunk)"

    private let stopRequested = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(cache: CardStatusCache, path: String, options: Connection.Options) {
        let thread = Thread { [self] in
            Self.load(cache: cache, path: path, options: options) { stopRequested.load(ordering: .relaxed) }
            done.signal()
        }
        thread.name = "sscard-status-warm-up"
        thread.qualityOfService = .utility
        thread.start()
    }

    private static func load(cache: CardStatusCache, path: String, options: Connection.Options,
                             stop: () -> Bool) {
        // A registry that fails to open here has already failed its own open;
        // the cache then fills on demand, query by query.
        guard let connection = try? Connection(path: path, options: options) else { return }
        defer { try? connection.close() }
        var after = ""
        while !stop() && cache.count < cache.capacity {
            let ticket = cache.ticket()
            var loaded = 0
            do {
                try connection.query(select, [.text(after)]) { row in
                    // Stop within a row, not a chunk: closing the store waits for this thread.
                    if stop() { throw CancellationError() }
                    let status = CardStatus(card: try RowDecoding.card(row),
                                            holderName: HolderName(storedValue: row.string(RegistryRows.cardColumnCount) ?? ""))
                    cache.fill(status, ticket: ticket)
                    after = status.card.cardNumber.rawValue
                    loaded += 1
                }
            } catch {
                return
            }
            if loaded < chunk { return }
        }
    }

    /// Waits for the load to finish or stop.
    func wait() {
        done.wait()
        done.signal()
    }

    /// Asks the thread to stop after its current chunk and waits for it.
    func stop() {
        stopRequested.store(true, ordering: .relaxed)
        wait()
    }
}
