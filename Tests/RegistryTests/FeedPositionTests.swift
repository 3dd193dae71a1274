import Registry
@testable import RegistryPostgreSQL
import Testing

/// The change feed's bookkeeping without a server: which notified entries are
/// new, what a catch-up must read, and the order it shows them in.
@Suite("change feed position")
struct FeedPositionTests {
    @Test("notifications at or below the known head, or repeated, are duplicates; record moves the head, never back")
    func duplicates() {
        var position = FeedPosition()
        position.establish(["a": 5, "b": 2])
        let named: [(chain: String, sequence: Int64)] = [("a", 5), ("a", 6), ("b", 2), ("c", 1), ("a", 6), ("b", 3)]
        let fresh = position.new(named)
        #expect(fresh.map { "\($0.chain)\($0.sequence)" } == ["a6", "c1", "b3"])
        // Not recorded until shown: the same batch is still new.
        #expect(position.new(named).count == 3)
        position.record(fresh)
        #expect(position.known == ["a": 6, "b": 3, "c": 1])
        position.advance(to: ["a": 4, "b": 9])
        #expect(position.known == ["a": 6, "b": 9, "c": 1])
    }

    @Test("missing: each chain from its known head to the current one, this daemon's own chain and caught-up chains left out")
    func missing() {
        var position = FeedPosition()
        position.establish(["own": 3, "a": 5, "b": 2])
        let missing = position.missing(upTo: ["own": 9, "a": 5, "b": 4, "new": 2], skipping: "own")
        #expect(missing == [FeedPosition.Missing(chain: "b", after: 2, through: 4),
                            FeedPosition.Missing(chain: "new", after: 0, through: 2)])
        #expect(missing.reduce(0) { $0 + $1.count } == 4)
    }

    @Test("merged by time, then chain, then sequence; a chain whose clock stepped back keeps its own order")
    func mergeOrder() {
        func entry(_ chain: String, _ sequence: Int64, at: Int64) -> AuditEntry {
            AuditEntry(sequence: sequence, at: Timestamp(milliseconds: at), actor: .system(servicePoint: chain), action: AuditAction(.lock),
                       outcome: .done, chain: chain)
        }
        let entries = [entry("b", 1, at: 100), entry("a", 8, at: 200), entry("a", 7, at: 100), entry("b", 2, at: 150),
                       entry("a", 9, at: 120), entry("c", 1, at: 210)]
        let order = FeedPosition.merged(entries).map { "\($0.chain)\($0.sequence)" }
        // a9's writer clock went back to 120, but it follows a8 (200): its key is 200.
        #expect(order == ["a7", "b1", "b2", "a8", "a9", "c1"])
    }
}
