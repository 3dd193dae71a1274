import Foundation
import Testing
@testable import Varlink

@Suite struct VarlinkServerTests {
    @Test func getInfoListsTheServiceAndRegisteredInterfaces() throws {
        let fixture = try TestServer()
        let info = try fixture.client().call("org.varlink.service.GetInfo")
        #expect(info["vendor"]?.string == "sscard project")
        #expect(info["product"]?.string == "varlink tests")
        #expect(info["version"]?.string == "1")
        #expect(info["url"]?.string == "https://example.invalid/sscard")
        #expect(info["interfaces"] == ["org.varlink.service", "org.sscard.Test"])
    }

    @Test func getInterfaceDescriptionReturnsTheIDL() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        let reply = try client.call("org.varlink.service.GetInterfaceDescription", ["interface": "org.sscard.Test"])
        #expect(reply["description"]?.string == testInterface.description)
        let service = try client.call("org.varlink.service.GetInterfaceDescription", ["interface": "org.varlink.service"])
        #expect(service["description"]?.string?.contains("method GetInfo()") == true)
        #expect(throws: VarlinkError.interfaceNotFound("org.example.None")) {
            try client.call("org.varlink.service.GetInterfaceDescription", ["interface": "org.example.None"])
        }
        #expect(throws: VarlinkError.invalidParameter("interface")) {
            try client.call("org.varlink.service.GetInterfaceDescription", [:])
        }
    }

    @Test func unknownInterfacesAndMethodsAreRefusedBeforeTheHandler() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        #expect(throws: VarlinkError.interfaceNotFound("org.example.Other")) { try client.call("org.example.Other.Echo") }
        #expect(throws: VarlinkError.methodNotFound("org.sscard.Test.Nonexistent")) { try client.call("org.sscard.Test.Nonexistent") }
        #expect(throws: VarlinkError.methodNotFound("org.varlink.service.Frobnicate")) { try client.call("org.varlink.service.Frobnicate") }
        #expect(throws: VarlinkError.methodNotImplemented("org.sscard.Test.Missing")) { try client.call("org.sscard.Test.Missing") }
        #expect(try client.call("org.sscard.Test.Echo", ["text": "still fine"])["text"]?.string == "still fine")
    }

    @Test func handlerErrorsReachTheClientWithParameters() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        #expect(throws: VarlinkError("org.sscard.Test.Nope", ["why": "because"])) {
            try client.call("org.sscard.Test.Fail", ["why": "because"])
        }
    }

    @Test func aDroppedReplyIsAnsweredInsteadOfHanging() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        #expect(throws: VarlinkError.methodNotImplemented("org.sscard.Test.Drop")) { try client.call("org.sscard.Test.Drop") }
        #expect(try client.call("org.sscard.Test.Echo", ["text": "after"])["text"] == "after")
    }

    @Test func malformedCallsGetInvalidParameterAndTheConnectionStaysUsable() throws {
        let fixture = try TestServer()
        let connection = try RawConnection(path: fixture.path)
        let cases: [(String, String)] = [
            ("{not json", "message"),
            ("[1,2,3]", "message"),
            ("", "message"),
            (#"{"parameters":{}}"#, "method"),
            (#"{"method":42}"#, "method"),
            (#"{"method":"NoDot"}"#, "method"),
            (#"{"method":"org.sscard.Test."}"#, "method"),
            (#"{"method":"org.sscard.Test.Echo","parameters":[1]}"#, "parameters"),
            (#"{"method":"org.sscard.Test.Echo","more":"yes"}"#, "more"),
            (#"{"method":"org.sscard.Test.Echo","oneway":1}"#, "oneway"),
            (#"{"method":"org.sscard.Test.Echo","upgrade":true}"#, "upgrade"),
        ]
        for (message, parameter) in cases {
            try connection.send(message: message)
            let reply = try #require(try connection.receive())
            #expect(reply["error"]?.string == "org.varlink.service.InvalidParameter", "for \(message)")
            #expect(reply["parameters"]?["parameter"]?.string == parameter, "for \(message)")
        }
        try connection.send(message: #"{"method":"org.sscard.Test.Echo","parameters":{"text":"ok"}}"#)
        #expect(try connection.receive() == ["parameters": ["text": "ok"]])
    }

    @Test func pipelinedCallsAreAnsweredInCallOrder() throws {
        let fixture = try TestServer()
        let connection = try RawConnection(path: fixture.path)
        var batch: [UInt8] = []
        for index in 0..<200 {
            let method = index % 3 == 0 ? "org.sscard.Test.Fail" : "org.sscard.Test.Echo"
            batch += Array(#"{"method":"\#(method)","parameters":{"text":"\#(index)","why":"\#(index)"}}"#.utf8) + [0]
        }
        try connection.send(batch)
        for index in 0..<200 {
            let reply = try #require(try connection.receive())
            if index % 3 == 0 {
                #expect(reply["parameters"]?["why"]?.string == "\(index)")
            } else {
                #expect(reply["parameters"]?["text"]?.string == "\(index)")
            }
        }
    }

    @Test func moreStreamsMarkAllButTheLastReplyContinues() throws {
        let fixture = try TestServer()
        let connection = try RawConnection(path: fixture.path)
        try connection.send(message: #"{"method":"org.sscard.Test.Count","parameters":{"count":5},"more":true}"#)
        for index in 0..<5 {
            let reply = try #require(try connection.receive())
            #expect(reply["parameters"]?["index"]?.int == Int64(index))
            #expect(reply["continues"]?.bool == (index < 4 ? true : nil))
        }
        var seen: [Int64] = []
        let client = try fixture.client()
        try client.stream("org.sscard.Test.Count", ["count": 3]) { reply in
            seen.append(reply["index"]?.int ?? -1)
            return true
        }
        #expect(seen == [0, 1, 2])
        #expect(throws: VarlinkError.expectedMore) { try client.call("org.sscard.Test.Count", ["count": 3]) }
    }

    @Test func continuesIsIgnoredWithoutMore() throws {
        let fixture = try TestServer()
        let sink = Recorder()
        let reply = VarlinkReply(method: "x.Y", more: false) { message in sink.note("\(message)") }
        reply.send(["a": 1], continues: true)
        reply.send(["b": 2])
        #expect(sink.recordedNotes == ["\(VarlinkReply.Message.parameters(["a": 1], continues: false))"])
        #expect(reply.isFinished)
        _ = fixture
    }

    @Test func onewayCallsRunButGetNoReply() throws {
        let fixture = try TestServer()
        let client = try fixture.client()
        try client.oneway("org.sscard.Test.Note", ["text": "first"])
        try client.oneway("org.sscard.Test.Fail", ["why": "silently"])
        // Calls run in order, so the echo's reply proves the oneway calls ran
        // and, being the next message, that they produced none.
        #expect(try client.call("org.sscard.Test.Echo", ["text": "next"])["text"] == "next")
        #expect(fixture.handler.recorder.recordedNotes == ["first"])
    }

    @Test func peerCredentialsAreTheCallingProcess() throws {
        let fixture = try TestServer()
        let me = try fixture.client().call("org.sscard.Test.Whoami")
        #expect(me["pid"]?.int == Int64(getpid()))
        #expect(me["uid"]?.int == Int64(getuid()))
        #expect(me["gid"]?.int == Int64(getgid()))
    }

    @Test func oversizedMessageGetsAnErrorThenTheConnectionCloses() throws {
        let fixture = try TestServer { $0.maxMessageBytes = 1024 }
        let connection = try RawConnection(path: fixture.path)
        try connection.send(message: #"{"method":"org.sscard.Test.Echo","parameters":{"text":"before"}}"#)
        try connection.send(message: #"{"method":"org.sscard.Test.Echo","parameters":{"text":""# + String(repeating: "x", count: 2000) + #""}}"#)
        #expect(try connection.receive()?["parameters"]?["text"] == "before")
        let error = try #require(try connection.receive())
        #expect(error == ["error": "org.varlink.service.InvalidParameter", "parameters": ["parameter": "message"]])
        #expect(try connection.receive() == nil, "connection closed after the error")
        #expect(try fixture.client().call("org.sscard.Test.Echo", ["text": "others fine"])["text"] == "others fine")
    }

    @Test func unterminatedOversizedInputIsCutOff() throws {
        let fixture = try TestServer { $0.maxMessageBytes = 1024 }
        let connection = try RawConnection(path: fixture.path)
        try connection.send(Array(repeating: UInt8(ascii: " "), count: 4096))
        #expect(try connection.receive()?["parameters"]?["parameter"] == "message")
        #expect(try connection.receive() == nil)
    }

    @Test func gracefulStopWaitsForAnInFlightCall() throws {
        let fixture = try TestServer()
        let connection = try RawConnection(path: fixture.path)
        try connection.send(message: #"{"method":"org.sscard.Test.Wait","parameters":{"gate":"stop"}}"#)
        #expect(fixture.handler.gates.waitUntilEntered("stop"))
        let stopped = Recorder()
        let stopper = Thread {
            fixture.server.stop()
            stopped.note("stopped")
        }
        stopper.start()
        // The listener closes first: new connections are refused while the call runs.
        #expect(throws: VarlinkTransportError.self) {
            var lastError: (any Error)?
            for _ in 0..<10_000 {
                do { let c = try fixture.client(); _ = try c.call("org.varlink.service.GetInfo") } catch { lastError = error; break }
            }
            if let lastError { throw lastError }
        }
        #expect(stopped.recordedNotes.isEmpty, "stop must wait for the in-flight call")
        fixture.handler.gates.open("stop")
        #expect(try connection.receive() == ["parameters": ["gate": "stop"]])
        #expect(try connection.receive() == nil)
        fixture.server.waitUntilStopped()
        #expect(!FileManager.default.fileExists(atPath: fixture.path), "socket file removed")
    }
}
