import Testing
import PCSC
import SSCardValues
@testable import SocialSecurityCard


/// Feeds random and mutated record bytes to the identity decoder. The
/// decoder may only return an identity or throw `CardError` (a crash would
/// end the test process), and no error text may carry the holder's data.
@Suite struct RecordFuzzTests {
    static let personal = ["11010519491231002", "X0000001", "热合曼", "买买提", "48FB4966"]

    enum Mutation: CaseIterable {
        case randomBytes, flipBits, truncate, extend, statusWord, lengthByte, tagByte, drop, none
    }

    static func mutate(_ responses: inout [CardField: ResponseAPDU], using rng: inout SeededRandom) {
        let fields = CardField.identityFields
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let field = fields.randomElement(using: &rng)!
            guard var response = responses[field] else { continue }
            switch Mutation.allCases.randomElement(using: &rng)! {
            case .randomBytes:
                response.data = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case .flipBits:
                if !response.data.isEmpty {
                    let index = Int.random(in: 0..<response.data.count, using: &rng)
                    response.data[index] ^= UInt8.random(in: 1...255, using: &rng)
                }
            case .truncate:
                response.data = Array(response.data.prefix(Int.random(in: 0...response.data.count, using: &rng)))
            case .extend:
                response.data += (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case .statusWord:
                let words: [StatusWord] = [.recordNotFound, .fileNotFound, .securityStatusNotSatisfied,
                                           StatusWord(UInt16.random(in: 0...0xFFFF, using: &rng))]
                response.statusWord = words.randomElement(using: &rng)!
            case .lengthByte:
                if response.data.count > 1 { response.data[1] = UInt8.random(in: 0...255, using: &rng) }
            case .tagByte:
                if !response.data.isEmpty { response.data[0] = UInt8.random(in: 0...255, using: &rng) }
            case .drop:
                responses[field] = nil
                continue
            case .none:
                break
            }
            responses[field] = response
        }
    }

    /// True if `needle`'s UTF-8 bytes occur in `text`'s (no Foundation: fast in debug builds).
    static func mentions(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8), pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if Array(haystack[start..<start + pattern.count]) == pattern { return true }
        }
        return false
    }

    /// 100,000 cases in four seeded runs of 25,000, so the two cores share them.
    @Test(arguments: [UInt64(0x5353_4341_5244), 1, 2, 3])
    func hundredThousandMutatedRecordSets(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var decoded = 0
        var rejected = 0
        var leaks = 0
        for _ in 0..<25_000 {
            var responses = CardFixture.responses
            Self.mutate(&responses, using: &rng)
            let atr: [UInt8] = Bool.random(using: &rng)
                ? CardFixture.atr
                : (0..<Int.random(in: 0...33, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do {
                let identity = try CardIdentity(responses: responses, atr: atr)
                decoded += 1
                // Whatever decoded is a valid value of its type.
                if identity.region != identity.cardId.regionCode || !(1...9).contains(identity.generation) { leaks += 1 }
                _ = try? BasicInfo(identity: identity)
            } catch {
                rejected += 1
                let text = error.description
                if Self.personal.contains(where: { Self.mentions(text, $0) }) { leaks += 1 }
            }
        }
        #expect(decoded + rejected == 25_000)
        #expect(decoded > 250, "the mutations should leave some record sets valid")
        #expect(rejected > 12_500)
        #expect(leaks == 0)
    }

    @Test func randomBytesThroughTheDecoders() {
        var rng = SeededRandom(seed: 42)
        var wellFormed = 0
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if let text = try? FieldDecoding.gb18030(bytes, field: .name) {
                wellFormed += 1
                #expect(!text.unicodeScalars.contains("\u{FFFD}"))
            }
            _ = try? FieldDecoding.bcd(bytes, field: .birthplace)
            _ = try? AnswerToReset(bytes)
            _ = try? PIN(encoded: bytes)
        }
        #expect(wellFormed > 0)
        #expect(Self.mentions("ssn 11010519491231002X", "11010519491231002"))
        #expect(!Self.mentions("EF06 tag 08: wrong length 17", "11010519491231002"))
    }
}
