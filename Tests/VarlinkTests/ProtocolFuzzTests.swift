import Foundation
import SSCardValues
import Testing
@testable import Varlink


/// Produces valid calls and hostile variations of them.
struct MessageMutator {
    var random: SeededRandom

    private static let validCalls: [String] = [
        #"{"method":"org.sscard.Test.Echo","parameters":{"text":"hello, wörld ☃"}}"#,
        #"{"method":"org.varlink.service.GetInfo","parameters":{}}"#,
        #"{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"org.sscard.Test"}}"#,
        #"{"method":"org.sscard.Test.Fail","parameters":{"why":"x\n\"y\""}}"#,
        #"{"method":"org.sscard.Test.Whoami"}"#,
        #"{"method":"org.sscard.Test.Echo","parameters":{"text":"\u00e9\ud83c\udf89"},"more":false}"#,
        #"{"method":"org.example.Nowhere.Method","parameters":{"a":[1,2.5,-3e10,null,true]}}"#,
        #"{"method":"org.sscard.Test.Unknown","parameters":{"nested":{"deeper":{"deepest":[{}]}}}}"#,
    ]

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }

    /// One message body (NULs inside split it into several frames).
    mutating func next() -> [UInt8] {
        var bytes = Array(Self.validCalls[int(0..<Self.validCalls.count)].utf8)
        switch int(0..<12) {
        case 0:
            return bytes
        case 1:  // flip bytes
            for _ in 0..<int(1..<4) { bytes[int(0..<bytes.count)] = UInt8(truncatingIfNeeded: int(0..<256)) }
        case 2:  // truncate
            bytes = Array(bytes.prefix(int(0..<bytes.count)))
        case 3:  // insert NULs
            for _ in 0..<int(1..<3) { bytes.insert(0, at: int(0..<bytes.count + 1)) }
        case 4:  // deep nesting in the parameters
            let depth = int(1..<200)
            let open = int(0..<2) == 0 ? "[" : "{\"k\":"
            let close = open == "[" ? "]" : "}"
            bytes = Array((#"{"method":"org.sscard.Test.Echo","parameters":{"text":"#
                + String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth) + "}}").utf8)
        case 5:  // huge or odd numbers
            let numbers = ["1e999", "-1e999", "123456789012345678901234567890", "-0", "0.0000000000000000000001",
                           "9223372036854775808", "-9223372036854775809", "1E+2", "01", "1.", ".5", "-", "2e-400"]
            bytes = Array(#"{"method":"org.sscard.Test.Echo","parameters":{"text":\#(numbers[int(0..<numbers.count)])}}"#.utf8)
        case 6:  // invalid UTF-8 inside a string
            let bad: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]]
            if let quote = bytes.firstIndex(of: UInt8(ascii: "\"")) {
                bytes.insert(contentsOf: bad[int(0..<bad.count)], at: quote + 1 + int(0..<4))
            }
        case 7:  // random bytes
            bytes = (0..<int(0..<300)).map { _ in UInt8(truncatingIfNeeded: int(1..<256)) }
        case 8:  // escapes, lone surrogates, control characters
            let pieces = [#"\ud800"#, #"\udfff"#, #"\u00"#, #"\q"#, "\u{1}", #"\ud800\u0041"#, "\\"]
            bytes = Array(#"{"method":"org.sscard.Test.Echo","parameters":{"text":"a\#(pieces[int(0..<pieces.count)])b"}}"#.utf8)
        case 9:  // duplicate and wrongly typed members
            let variants = [#"{"method":"a.B","method":"c.D"}"#, #"{"method":"org.sscard.Test.Echo","parameters":"x"}"#,
                            #"{"method":null}"#, #"{"method":"org.sscard.Test.Echo","more":1}"#, "null", "[]", "\"s\"", "{}"]
            bytes = Array(variants[int(0..<variants.count)].utf8)
        case 10:  // splice two calls together
            let other = Array(Self.validCalls[int(0..<Self.validCalls.count)].utf8)
            bytes = Array(bytes.prefix(int(0..<bytes.count))) + Array(other.suffix(int(0..<other.count)))
        default:  // delete a byte
            bytes.remove(at: int(0..<bytes.count))
        }
        return bytes
    }
}

@Suite struct ProtocolFuzzTests {
    /// Sends 100,000+ messages over four connections in batches, and checks
    /// every frame gets exactly one well-formed reply (or, for an oversized
    /// frame, an error and a close), and the server keeps serving.
    @Test func randomAndMutatedMessagesAreAllAnsweredWithoutCrashing() throws {
        let fixture = try TestServer()
        let totals = Recorder()
        let failures = Recorder()
        let lanes = 4
        let messagesPerLane = 25_000
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            do {
                var mutator = MessageMutator(random: SeededRandom(seed: 0x5C_CA4D + UInt64(lane)))
                var connection = try RawConnection(path: fixture.path)
                var sent = 0
                while sent < messagesPerLane {
                    var batch: [UInt8] = []
                    var frames = 0
                    for _ in 0..<50 {
                        let message = mutator.next()
                        batch += message + [0]
                        frames += message.filter { $0 == 0 }.count + 1
                    }
                    sent += 50
                    try connection.send(batch)
                    for _ in 0..<frames {
                        guard let reply = try connection.receive() else {
                            failures.note("lane \(lane): connection closed with replies outstanding")
                            connection = try RawConnection(path: fixture.path)
                            break
                        }
                        guard reply["parameters"]?.object != nil,
                              reply["error"] == nil || reply["error"]?.string != nil,
                              reply.object?.keys.allSatisfy({ ["parameters", "error", "continues"].contains($0) }) == true
                        else {
                            failures.note("lane \(lane): odd reply \(reply)")
                            continue
                        }
                    }
                }
                totals.note("\(sent)")
            } catch {
                failures.note("lane \(lane): \(error)")
            }
        }
        #expect(failures.recordedNotes.isEmpty, "\(failures.recordedNotes.prefix(5))")
        #expect(totals.recordedNotes.compactMap { Int($0) }.reduce(0, +) >= 100_000)
        #expect(try fixture.client().call("org.sscard.Test.Echo", ["text": "alive"])["text"] == "alive")
    }

    @Test func theParserNeverCrashesOnMutatedInput() {
        var mutator = MessageMutator(random: SeededRandom(seed: 42))
        var accepted = 0
        var rejected = 0
        for _ in 0..<100_000 {
            let message = mutator.next()
            do {
                let value = try JSONValue(parsing: message)
                accepted += 1
                // Whatever parses must survive a round trip unchanged.
                if (try? JSONValue(parsing: value.serialized())) != value { rejected = -1_000_000 }
            } catch {
                if error.offset < 0 || error.offset > message.count { rejected = -1_000_000 }
                rejected += 1
            }
        }
        #expect(rejected > 0 && accepted > 0)
        #expect(accepted + rejected == 100_000)
    }
}
