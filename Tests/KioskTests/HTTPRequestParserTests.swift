import SSCardValues
import Testing
@testable import SSCardKiosk

/// The page server's request parser: what it accepts, what it refuses and
/// with which status, and a deterministic mutation fuzz over many inputs.
@Suite struct HTTPRequestParserTests {
    static let valid = Array("POST /input HTTP/1.1\r\nHost: 127.0.0.1:8181\r\nContent-Type: application/json\r\nCookie: a=b; sscard-kiosk=abc\r\nContent-Length: 15\r\n\r\n{\"key\":\"enter\"}".utf8)

    @Test func aWholeRequest() throws {
        guard case let .request(request, consumed) = try HTTPRequestParser.parse(Self.valid) else {
            Issue.record("expected a request")
            return
        }
        #expect(consumed == Self.valid.count)
        #expect(request.method == .post && request.path == "/input")
        #expect(request.header("host") == "127.0.0.1:8181")
        #expect(request.cookie("sscard-kiosk") == "abc")
        #expect(request.body == Array("{\"key\":\"enter\"}".utf8))
        let get = try HTTPRequestParser.parse(Array("GET /start?secret=ab12&x=1 HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case let .request(start, _) = get else {
            Issue.record("expected a request")
            return
        }
        #expect(start.path == "/start" && start.queryValue("secret") == "ab12" && start.queryValue("y") == nil)
    }

    @Test func everyPrefixIsIncompleteOrRefused() throws {
        for end in 0..<Self.valid.count {
            #expect(try HTTPRequestParser.parse(Array(Self.valid[0..<end])) == .incomplete, "prefix \(end)")
        }
    }

    @Test(arguments: [
        ("PUT / HTTP/1.1\r\n\r\n", HTTPRequestError.unsupportedMethod),
        ("GET / HTTP/2\r\n\r\n", .unsupportedVersion),
        ("GET http://x/ HTTP/1.1\r\n\r\n", .malformedTarget),
        ("GET /a/../b HTTP/1.1\r\n\r\n", .malformedTarget),
        ("GET  / HTTP/1.1\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1\nHost: x\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost x\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\n folded\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", .duplicateHeader("host")),
        ("POST /input HTTP/1.1\r\n\r\n", .lengthRequired),
        ("POST /input HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", .chunkedNotSupported),
        ("POST /input HTTP/1.1\r\nContent-Length: +5\r\n\r\n", .malformedContentLength),
        ("POST /input HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", .bodyTooLarge),
        ("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", .malformedContentLength),
        ("GET /\u{0}x HTTP/1.1\r\n\r\n", .malformedHeader),
    ])
    func refusals(_ text: String, _ error: HTTPRequestError) {
        #expect(throws: error) { try HTTPRequestParser.parse(Array(text.utf8)) }
    }

    @Test func limits() {
        let longLine = Array(("GET /" + String(repeating: "a", count: 1100)).utf8)
        #expect(throws: HTTPRequestError.requestLineTooLong) { try HTTPRequestParser.parse(longLine) }
        #expect(HTTPRequestError.requestLineTooLong.status == .uriTooLong)
        var many = "GET / HTTP/1.1\r\n"
        for index in 0..<40 { many += "X-\(index): y\r\n" }
        #expect(throws: HTTPRequestError.tooManyHeaders) { try HTTPRequestParser.parse(Array((many + "\r\n").utf8)) }
        let huge = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "y", count: 9000)).utf8)
        #expect(throws: HTTPRequestError.headTooLarge) { try HTTPRequestParser.parse(huge) }
    }

    /// Mutations of valid requests and random bytes: never a crash, always
    /// `.incomplete`, a request within the limits, or a typed error.
    @Test func fuzz() {
        var random = SeededRandom(seed: 0x5EED_CA4D)
        let seeds = [Self.valid, Array("GET /events HTTP/1.1\r\nHost: 127.0.0.1:8181\r\n\r\n".utf8),
                     Array("GET /speech/menu.zh.wav HTTP/1.0\r\n\r\n".utf8)]
        let alphabet = Array(" \r\n:/?=&%.GETPOSTHTTP/1.1\u{0}\u{7F}\t-+0123456789".utf8) + [0xFF, 0xC3, 0x80]
        var outcomes = [0, 0, 0]
        for round in 0..<12_000 {
            var bytes: [UInt8]
            if round % 10 == 9 {
                bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                bytes = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let position = Int.random(in: 0...bytes.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0 where position < bytes.count: bytes[position] = alphabet.randomElement(using: &random)!
                    case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                    case 2 where position < bytes.count: bytes.remove(at: position)
                    default:
                        bytes.insert(contentsOf: Array(repeating: alphabet.randomElement(using: &random)!,
                                                       count: Int.random(in: 1...1200, using: &random)), at: position)
                    }
                }
            }
            do {
                switch try HTTPRequestParser.parse(bytes) {
                case .incomplete: outcomes[0] += 1
                case let .request(request, consumed):
                    outcomes[1] += 1
                    #expect(consumed <= bytes.count && request.body.count <= HTTPLimits.body)
                    #expect(request.path.hasPrefix("/") && !request.path.split(separator: "/").contains(".."))
                }
            } catch {
                outcomes[2] += 1
            }
        }
        // The fuzz reached all three outcomes.
        #expect(outcomes.allSatisfy { $0 > 50 }, "\(outcomes)")
    }
}

/// A refusal anyone on the host can repeat reaches the journal once a minute.
@Suite struct JournalBudgetTests {
    @Test func theFirstOfEachMinuteIsLoggedAndTheRestCountedIntoTheNext() {
        var budget = JournalBudget()
        let seen = [0.0, 1, 2, 59.9, 60, 61, 200].map { budget.note(at: $0) }
        #expect(seen.map(\.log) == [true, false, false, false, true, false, true])
        #expect(seen.map(\.unlogged) == [0, 1, 2, 3, 3, 1, 1])
    }
}
