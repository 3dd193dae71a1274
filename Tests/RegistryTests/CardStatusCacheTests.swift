import Foundation
@testable import Registry
import SSCardRig
import SSCardValues
import Testing

/// The status cache: packing, the ticket rule that keeps stale reads out, its
/// bound, and — on a real SQLite registry — that no caller ever reads a state
/// older than a change it was told is done.
@Suite struct CardStatusCacheTests {
    static func status(_ n: Int, state: CardState = .active, name: String = "张三",
                       lost: Bool = false) throws -> CardStatus {
        let card = CardRecord(cardNumber: RegistryFixture.cardNumber(n), cardId: RegistryFixture.cardId(n),
                              ssn: RegistryFixture.ssn(n), applicationId: lost ? nil : Int64(n), state: state,
                              previousState: lost ? .active : nil,
                              lossDeadline: lost ? Timestamp(milliseconds: 1_800_000_000_123) : nil,
                              electronicCredentialContinues: lost ? false : nil,
                              replacedBy: lost ? RegistryFixture.cardNumber(n + 1) : nil,
                              updatedAt: Timestamp(milliseconds: 1_700_000_000_000 + Int64(n)))
        return CardStatus(card: card, holderName: try HolderName(name))
    }

    @Test(arguments: CardState.allCases)
    func packingKeepsEveryField(state: CardState) throws {
        for lost in [false, true] {
            for name in ["张三", "欧阳娜娜娜娜娜娜", "Zhang San-Feng"] {
                let original = try Self.status(7, state: state, name: name, lost: lost)
                let packed = try #require(PackedCardStatus(original))
                #expect(packed.status(original.card.cardNumber) == original)
            }
        }
    }

    @Test func aValueOfAnotherShapeIsNotCachedRatherThanAltered() throws {
        var status = try Self.status(1)
        status.card.cardId = CardIdentificationCode(storedValue: String(status.card.cardId.rawValue.lowercased()))
        #expect(PackedCardStatus(status) == nil)
        let cache = CardStatusCache(capacity: 100)
        cache.fill(status, ticket: cache.ticket())
        #expect(cache.status(of: status.card.cardNumber) == nil)
    }

    @Test func aFillReadBeforeACommitIsDropped() throws {
        let cache = CardStatusCache(capacity: 100)
        let old = try Self.status(1, state: .active)
        let ticket = cache.ticket()  // a reader starts reading the store…
        var new = old.card
        new.state = .locked
        cache.committed([.updated(new)])  // …a change commits meanwhile…
        cache.fill(old, ticket: ticket)  // …and the reader's now stale value arrives
        #expect(cache.status(of: old.card.cardNumber) == nil)
        cache.fill(CardStatus(card: new, holderName: old.holderName), ticket: cache.ticket())
        #expect(cache.status(of: old.card.cardNumber)?.card.state == .locked)
    }

    @Test func aCommitUpdatesTheCachedCardAndKeepsTheName() throws {
        let cache = CardStatusCache(capacity: 100)
        let cached = try Self.status(2, name: "李四")
        cache.fill(cached, ticket: cache.ticket())
        var changed = cached.card
        changed.state = .temporarilyLost
        changed.previousState = .active
        changed.lossDeadline = Timestamp(milliseconds: 1_800_000_000_000)
        cache.committed([.updated(changed)])
        #expect(cache.status(of: cached.card.cardNumber) == CardStatus(card: changed, holderName: cached.holderName))
        cache.committed([.forget(cached.card.cardNumber)])
        #expect(cache.status(of: cached.card.cardNumber) == nil)
    }

    @Test func theCacheStaysWithinItsCapacity() throws {
        let cache = CardStatusCache(capacity: 1024)
        for n in 0..<20_000 { cache.fill(try Self.status(n), ticket: cache.ticket()) }
        #expect(cache.count <= 1024 + 5 * 256 * 2 + 512)
        #expect(cache.count >= 1024 / 2)
        #expect(CardStatusCache(capacity: 0).count == 0)
    }

    @Test(arguments: [1_000, 20_000, 100_000])
    func aRegistryOfExactlyTheCapacityFitsWhole(cards: Int) throws {
        let cache = CardStatusCache(capacity: cards)
        let template = try Self.status(0)
        for n in 0..<cards {
            var status = template
            status.card.cardNumber = CardNumber(storedValue: String(format: "Z%08d", n))
            cache.fill(status, ticket: cache.ticket())
        }
        #expect(cache.count == cards)
    }

    @Test func warmUpLoadsEveryCardAsTheStoreHasIt() throws {
        let fixture = try RegistryFixture(.sqlite)
        // More than one warm-up chunk (2,000) of cards, written straight into the file.
        try fixture.raw("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
            INSERT INTO holders (ssn, name, created_at, updated_at)
              SELECT printf('%017d', i) || 'X', '王五', 0, 0 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
            INSERT INTO cards (card_number, card_id, ssn, state, updated_at)
              SELECT printf('W%08d', i), printf('140105D1560000050000000000%06X', i),
                     printf('%017d', i) || 'X', 'active', i FROM n;
            """)
        try fixture.reopen()
        let store = try #require(fixture.store as? SQLiteRegistryStore)
        store.waitForStatusCacheWarmUp()
        #expect(store.statusCache?.count == 2500)
        for i in [1, 1999, 2000, 2001, 2500] {
            let number = CardNumber(storedValue: String(format: "W%08d", i))
            let cached = try #require(store.statusCache?.status(of: number))
            #expect(try store.read(snapshot: false) { try $0.cardStatus(number) } == cached)
        }
    }

    /// Writers flip their cards and read back at once while readers hammer the
    /// same cards, racing stale fills against the commits.
    @Test func noCallerReadsAStateOlderThanItsAcknowledgedChange() throws {
        let fixture = try RegistryFixture(.sqlite)
        let cards = 8
        for n in 0..<cards { try fixture.card(n, in: .active) }
        let registry = fixture.registry
        let failures = LockedValue<[String]>([])
        let stop = LockedValue(false)
        let group = DispatchGroup()
        for reader in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var n = reader
                while !stop.value {
                    do { _ = try registry.status(of: RegistryFixture.cardNumber(n % cards)) } catch { failures.append("\(error)") }
                    n += 1
                }
            }
        }
        let writers = DispatchGroup()
        for n in 0..<cards {
            writers.enter()
            Thread.detachNewThread {
                defer { writers.leave() }
                for round in 0..<60 {
                    let request = CardRequest(cardNumber: RegistryFixture.cardNumber(n), actor: RegistryFixture.counter,
                                              evidence: RegistryFixture.idCard, reason: "round \(round)")
                    do {
                        let done = round % 2 == 0 ? try registry.lock(request) : try registry.unlock(request)
                        let read = try registry.status(of: done.cardNumber).card
                        if read != done { failures.append("card \(n) round \(round): read \(read.state), done \(done.state)") }
                    } catch {
                        failures.append("card \(n) round \(round): \(error)")
                    }
                }
            }
        }
        writers.wait()
        stop.set(true)
        group.wait()
        #expect(failures.value.isEmpty)
        let store = try #require(fixture.store as? SQLiteRegistryStore)
        for n in 0..<cards {
            let number = RegistryFixture.cardNumber(n)
            #expect(try registry.status(of: number) == store.read(snapshot: false) { try $0.cardStatus(number) })
        }
    }
}

