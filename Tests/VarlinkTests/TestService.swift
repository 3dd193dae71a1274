import Foundation
@testable import Varlink

/// The IDL of the interface the tests serve; also checked by the Python client.
let testInterface = VarlinkInterface(name: "org.sscard.Test", description: """
    # A small interface for exercising the transport.
    interface org.sscard.Test

    # Returns its argument unchanged.
    method Echo(text: string) -> (text: string)

    # Blocks until the test opens the named gate.
    method Wait(gate: string) -> (gate: string)

    # Streams count replies numbered from zero (call with more).
    method Count(count: int) -> (index: int)

    # Streams blobs of the given size until the caller goes away.
    method Flood(size: int) -> (blob: string)

    # Streams count blobs of the given size at the reader's pace, then the count.
    method Paced(count: int, size: int) -> (blob: ?string, sent: ?int)

    # Records a note; meant to be called oneway.
    method Note(text: string) -> ()

    # Always fails with Nope.
    method Fail(why: string) -> ()

    # The caller's credentials as the server saw them.
    method Whoami() -> (pid: int, uid: int, gid: int)

    # Drops its reply without answering.
    method Drop() -> ()

    # Declared but left to the handler to refuse.
    method Missing() -> ()

    # The call was refused on purpose.
    error Nope (why: string)

    """)

/// Named one-shot gates, so tests can hold a call in its handler and know
/// when it got there, without sleeping.
final class Gates: @unchecked Sendable {
    private let condition = NSCondition()
    private var opened: Set<String> = []
    private var entered: Set<String> = []

    func open(_ name: String) {
        condition.lock()
        opened.insert(name)
        condition.broadcast()
        condition.unlock()
    }

    /// Called by the handler: announces arrival, then blocks until opened.
    func pass(_ name: String) {
        condition.lock()
        entered.insert(name)
        condition.broadcast()
        while !opened.contains(name) { condition.wait() }
        condition.unlock()
    }

    /// Waits until a handler reached the gate; false on timeout (a failure, not a pacing device).
    func waitUntilEntered(_ name: String, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !entered.contains(name) {
            if !condition.wait(until: deadline) { return entered.contains(name) }
        }
        return true
    }
}

/// Things handlers record for tests to check.
final class Recorder: @unchecked Sendable {
    private let condition = NSCondition()
    private var notes: [String] = []
    private var disconnects = 0

    func note(_ text: String) {
        condition.lock(); notes.append(text); condition.broadcast(); condition.unlock()
    }

    func disconnected() {
        condition.lock(); disconnects += 1; condition.broadcast(); condition.unlock()
    }

    var recordedNotes: [String] {
        condition.lock(); defer { condition.unlock() }
        return notes
    }

    func waitForDisconnects(_ count: Int, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while disconnects < count {
            if !condition.wait(until: deadline) { return disconnects >= count }
        }
        return true
    }
}

struct TestHandler: VarlinkHandler {
    let gates = Gates()
    let recorder = Recorder()

    func handle(_ call: VarlinkCall, reply: VarlinkReply) {
        switch call.methodName {
        case "Echo":
            guard let text = call.parameters["text"]?.string else { return reply.fail(.invalidParameter("text")) }
            reply.send(["text": .string(text)])
        case "Wait":
            let gate = call.parameters["gate"]?.string ?? ""
            gates.pass(gate)
            reply.send(["gate": .string(gate)])
        case "Count":
            guard call.more else { return reply.fail(.expectedMore) }
            let count = call.parameters["count"]?.int ?? 0
            for index in 0..<count { reply.send(["index": .int(index)], continues: index + 1 < count) }
            if count == 0 { reply.send([:]) }
        case "Flood":
            let blob = JSONValue.string(String(repeating: "x", count: Int(call.parameters["size"]?.int ?? 1000)))
            reply.onDisconnect { recorder.disconnected() }
            while reply.isConnected { reply.send(["blob": blob], continues: true) }
        case "Paced":
            let blob = JSONValue.string(String(repeating: "x", count: Int(call.parameters["size"]?.int ?? 1000)))
            let count = Int(call.parameters["count"]?.int ?? 0)
            for _ in 0..<count {
                reply.send(["blob": blob], continues: true)
                guard reply.waitForBacklog(below: 64 << 10, timeout: .seconds(30)) else { return reply.send([:]) }
            }
            reply.send(["sent": .int(Int64(count))])
        case "Note":
            recorder.note(call.parameters["text"]?.string ?? "")
            reply.send([:])
        case "Fail":
            reply.fail(VarlinkError("org.sscard.Test.Nope", ["why": call.parameters["why"] ?? ""]))
        case "Whoami":
            reply.send(["pid": .int(Int64(call.peer.pid)), "uid": .int(Int64(call.peer.uid)), "gid": .int(Int64(call.peer.gid))])
        case "Drop":
            return
        default:
            reply.fail(.methodNotImplemented(call.method))
        }
    }
}

let testInfo = VarlinkServiceInfo(vendor: "sscard project", product: "varlink tests", version: "1", url: "https://example.invalid/sscard")

/// A server on a socket in a fresh temporary directory.
final class TestServer: Sendable {
    let directory: String
    let path: String
    let handler = TestHandler()
    let server: VarlinkServer

    init(_ configure: (inout VarlinkServer.Configuration) -> Void = { _ in }) throws {
        directory = try makeTemporaryDirectory()
        path = directory + "/varlink.sock"
        var configuration = VarlinkServer.Configuration(socketPath: path)
        configuration.acceptsSocketActivation = false
        configure(&configuration)
        server = try VarlinkServer(configuration: configuration, info: testInfo, interfaces: [testInterface], handler: handler)
        server.start()
    }

    func client(timeout: Duration = .seconds(30)) throws -> VarlinkClient {
        try VarlinkClient(path: path, timeout: timeout)
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Short paths: a Unix socket path must fit in 108 bytes.
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/vlt.XXXXXX".utf8CString)
    guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw SystemError.current("mkdtemp")
    }
    return String(cString: result)
}
