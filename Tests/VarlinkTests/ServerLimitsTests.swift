import Foundation
import Testing
@testable import Varlink

@Suite struct ServerLimitsTests {
    /// Server and clients share this process, so 1,000 connections need
    /// about 2,000 descriptors.
    private func raiseDescriptorLimit(to wanted: rlim_t) -> Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return false }
        if limit.rlim_cur >= wanted { return true }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        return setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur >= wanted
    }

    @Test func aThousandConcurrentConnectionsAreAllServed() throws {
        #expect(raiseDescriptorLimit(to: 4096))
        let fixture = try TestServer()
        var connections: [RawConnection] = []
        for _ in 0..<1000 { connections.append(try RawConnection(path: fixture.path)) }
        for (index, connection) in connections.enumerated() {
            try connection.send(message: #"{"method":"org.sscard.Test.Echo","parameters":{"text":"\#(index)"}}"#)
        }
        for (index, connection) in connections.enumerated() {
            #expect(try connection.receive()?["parameters"]?["text"]?.string == "\(index)")
        }
    }

    @Test func connectionsBeyondTheLimitAreClosedWithoutDisturbingOthers() throws {
        let fixture = try TestServer { $0.maxConnections = 4 }
        let clients = try (0..<4).map { _ in try fixture.client() }
        // A reply on each proves all four were accepted before the fifth connects.
        for client in clients { _ = try client.call("org.varlink.service.GetInfo") }
        let extra = try RawConnection(path: fixture.path)
        try? extra.send(message: #"{"method":"org.varlink.service.GetInfo"}"#)
        #expect(try extra.receive() == nil, "refused connection is closed")
        #expect(fixture.server.refusedConnections == 1)
        for (index, client) in clients.enumerated() {
            #expect(try client.call("org.sscard.Test.Echo", ["text": .string("\(index)")])["text"]?.string == "\(index)")
        }
        clients[0].close()
        // Once a slot frees up, a new connection is served again. The close is
        // seen by the server asynchronously, so a refusal is possible before it.
        var served = false
        for _ in 0..<1000 where !served {
            if let reply = try? fixture.client().call("org.sscard.Test.Echo", ["text": "again"]) { served = reply["text"] == "again" }
        }
        #expect(served)
    }

    @Test func aStalledReaderDoesNotBlockOthersAndIsDisconnectedAtItsOutputCap() throws {
        let fixture = try TestServer { $0.maxPendingOutputBytes = 256 << 10 }
        let stalled = try RawConnection(path: fixture.path)
        try stalled.send(message: #"{"method":"org.sscard.Test.Flood","parameters":{"size":10000},"more":true}"#)
        // The flood runs until the server gives up on the stalled peer; meanwhile others are served.
        let client = try fixture.client()
        for index in 0..<50 {
            #expect(try client.call("org.sscard.Test.Echo", ["text": .string("\(index)")])["text"]?.string == "\(index)")
        }
        #expect(fixture.handler.recorder.waitForDisconnects(1), "the flooding call learns its peer is gone")
        let received = try stalled.drainUntilClosed()
        #expect(received > 0 && received < 1000, "got \(received) before the cut-off")
        #expect(try client.call("org.sscard.Test.Echo", ["text": "after"])["text"] == "after")
    }

    /// 400 replies of 10 kB (4 MB) through a 256 KiB output cap to a reader
    /// slower than the producer: waiting for the backlog, the stream keeps
    /// the reader's pace and arrives whole instead of being cut off.
    @Test func aStreamThatWaitsForItsBacklogReachesASlowReaderWhole() throws {
        let fixture = try TestServer { $0.maxPendingOutputBytes = 256 << 10 }
        let client = try fixture.client()
        var blobs = 0
        var sent: Int64?
        try client.stream("org.sscard.Test.Paced", ["count": 400, "size": 10_000]) { reply in
            if reply["blob"] != nil {
                blobs += 1
                // A slow reader: the producer would outrun it a hundredfold.
                if blobs % 20 == 0 { usleep(20_000) }
            }
            sent = reply["sent"]?.int ?? sent
            return true
        }
        #expect(blobs == 400)
        #expect(sent == 400)
    }

    @Test func aClientThatHangsUpMidStreamIsNoticed() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        var count = 0
        try client.stream("org.sscard.Test.Flood", ["size": 10]) { _ in
            count += 1
            return count < 3
        }
        #expect(count == 3)
        #expect(!client.isConnected)
        #expect(fixture.handler.recorder.waitForDisconnects(1))
    }

    @Test func onewayCallsSentJustBeforeHangingUpStillRun() throws {
        let fixture = try TestServer()
        let connection = try RawConnection(path: fixture.path)
        try connection.send(message: #"{"method":"org.sscard.Test.Note","parameters":{"text":"bye"},"oneway":true}"#)
        connection.close()
        let witness = try fixture.client()
        // The hung-up connection's calls run on a worker; poll the result through calls, not sleeps.
        var notes: [String] = []
        for _ in 0..<10_000 where notes.isEmpty {
            _ = try witness.call("org.varlink.service.GetInfo")
            notes = fixture.handler.recorder.recordedNotes
        }
        #expect(notes == ["bye"])
    }

    @Test func backpressureOnDeepPipelinesLosesNothing() throws {
        let fixture = try TestServer { $0.maxQueuedCallsPerConnection = 4 }
        let connection = try RawConnection(path: fixture.path)
        var batch: [UInt8] = []
        for index in 0..<2000 {
            batch += Array(#"{"method":"org.sscard.Test.Echo","parameters":{"text":"\#(index)"}}"#.utf8) + [0]
        }
        try connection.send(batch)
        for index in 0..<2000 {
            #expect(try connection.receive()?["parameters"]?["text"]?.string == "\(index)")
        }
    }

    @Test func aConnectionBeyondItsUIDsCapIsClosedWithoutDisturbingOthers() throws {
        let fixture = try TestServer {
            $0.maxConnectionsPerUID = 2
            $0.uncappedUIDs = []
        }
        let clients = try (0..<2).map { _ in try fixture.client() }
        for client in clients { _ = try client.call("org.varlink.service.GetInfo") }
        let third = try RawConnection(path: fixture.path)
        try? third.send(message: #"{"method":"org.varlink.service.GetInfo"}"#)
        #expect(try third.receiveFrame(timeout: 10) == nil, "the uid's third connection is closed")
        #expect(fixture.server.refusedConnections == 1)
        #expect(try clients[1].call("org.sscard.Test.Echo", ["text": "still"])["text"] == "still")
    }

    @Test func anUncappedUIDIsNotHeldToThePerUIDCap() throws {
        let fixture = try TestServer {
            $0.maxConnectionsPerUID = 2
            $0.uncappedUIDs = [getuid()]
        }
        let clients = try (0..<4).map { _ in try fixture.client() }
        for (index, client) in clients.enumerated() {
            #expect(try client.call("org.sscard.Test.Echo", ["text": .string("\(index)")])["text"]?.string == "\(index)")
        }
        #expect(fixture.server.refusedConnections == 0)
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let fixture = try TestServer { $0.idleTimeout = .milliseconds(200) }
        let connection = try RawConnection(path: fixture.path)
        try connection.send(message: #"{"method":"org.sscard.Test.Echo","parameters":{"text":"once"}}"#)
        #expect(try connection.receive()?["parameters"]?["text"]?.string == "once")
        // Nothing more is sent: the server closes it (EOF), well before this bound.
        #expect(try connection.receiveFrame(timeout: 20) == nil)
        #expect(fixture.server.idleClosedConnections == 1)
    }

    @Test func aCallInFlightOutlivesTheIdleTimeout() throws {
        let fixture = try TestServer { $0.idleTimeout = .milliseconds(200) }
        let busy = try RawConnection(path: fixture.path)
        try busy.send(message: #"{"method":"org.sscard.Test.Wait","parameters":{"gate":"held"}}"#)
        #expect(fixture.handler.gates.waitUntilEntered("held"))
        // A second, idle connection is the clock: once it is closed, the busy
        // one has been silent longer than the timeout too.
        let idle = try RawConnection(path: fixture.path)
        #expect(try idle.receiveFrame(timeout: 20) == nil)
        fixture.handler.gates.open("held")
        #expect(try busy.receive()?["parameters"]?["gate"]?.string == "held", "the call in flight was not cut off")
        #expect(fixture.server.idleClosedConnections == 1)
    }
}
