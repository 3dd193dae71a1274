import Foundation
import Testing
@testable import Varlink

/// Round-trip latency and throughput of trivial calls. Opt-in because it is
/// slow in debug builds and meaningless on a busy machine:
/// `SSCARD_VARLINK_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter TransportBenchmarkTests`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["SSCARD_VARLINK_BENCH"] == "1"))
struct TransportBenchmarkTests {
    @Test func roundTripLatencyOfOneClient() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        for _ in 0..<1000 { _ = try client.call("org.sscard.Test.Echo", ["text": "warm"]) }
        var samples: [Duration] = []
        samples.reserveCapacity(20_000)
        let clock = ContinuousClock()
        for _ in 0..<20_000 {
            let start = clock.now
            let reply = try client.call("org.sscard.Test.Echo", ["text": "ping"])
            samples.append(clock.now - start)
            guard reply["text"] == "ping" else { Issue.record("wrong reply \(reply)"); return }
        }
        samples.sort()
        let p50 = samples[samples.count / 2]
        let p99 = samples[samples.count * 99 / 100]
        print("varlink round trip, 1 client, 20000 calls: p50 \(p50), p99 \(p99), max \(samples.last!)")
        #expect(p50 < .milliseconds(5))
    }

    @Test func throughputWithSixteenClients() throws {
        let fixture = try TestServer()
        let perClient = 10_000
        let errors = Recorder()
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                let client = try fixture.client()
                for call in 0..<perClient {
                    let text = JSONValue.string("\(index)-\(call)")
                    guard try client.call("org.sscard.Test.Echo", ["text": text])["text"] == text else {
                        errors.note("wrong reply"); return
                    }
                }
            } catch {
                errors.note("\(error)")
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("varlink throughput, 16 clients x \(perClient) calls: \(Int(Double(16 * perClient) / seconds)) calls/s in \(elapsed)")
        #expect(errors.recordedNotes.isEmpty)
    }
}
