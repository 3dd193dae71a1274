import Foundation
import Testing
@testable import Varlink

/// Checks the server against an independent implementation: the PyPI
/// `varlink` package's command line client (`pip install varlink`), which
/// also parses our IDL texts.
@Suite struct InteropTests {
    private struct Outcome {
        let status: Int32
        let output: String
        let errors: String
    }

    private func pythonVarlink(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "varlink.cli"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                       errors: String(decoding: errData, as: UTF8.self))
    }

    @Test func pythonClientReadsInfo() throws {
        let fixture = try TestServer()
        let info = try pythonVarlink(["info", "unix:" + fixture.path])
        #expect(info.status == 0, "\(info.errors)")
        #expect(info.output.contains("Vendor: sscard project"))
        #expect(info.output.contains("Product: varlink tests"))
        #expect(info.output.contains("org.sscard.Test"))
        #expect(info.output.contains("org.varlink.service"))
    }

    @Test(arguments: ["org.sscard.Test", "org.varlink.service"])
    func pythonClientParsesOurInterfaceDescriptions(interface: String) throws {
        let fixture = try TestServer()
        let help = try pythonVarlink(["help", "unix:\(fixture.path)/\(interface)"])
        #expect(help.status == 0, "\(help.errors)")
        #expect(help.output.contains("interface \(interface)"))
        #expect(help.output.contains(interface == "org.sscard.Test" ? "method Echo(text: string) -> (text: string)" : "method GetInfo()"))
    }

    @Test func pythonClientCallsAMethod() throws {
        let fixture = try TestServer()
        let call = try pythonVarlink(["call", "unix:\(fixture.path)/org.sscard.Test.Echo", #"{"text": "hi from python ✓"}"#])
        #expect(call.status == 0, "\(call.errors)")
        let reply = try JSONValue(parsing: call.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(reply == ["text": "hi from python ✓"])
    }

    @Test func pythonClientSeesAnErrorReply() throws {
        let fixture = try TestServer()
        let call = try pythonVarlink(["call", "unix:\(fixture.path)/org.sscard.Test.Fail", #"{"why": "testing"}"#])
        #expect(call.errors.contains("org.sscard.Test.Nope"), "stderr: \(call.errors) stdout: \(call.output)")
        #expect(call.errors.contains("testing"))
    }

    @Test func pythonClientStreamsWithMore() throws {
        let fixture = try TestServer()
        let call = try pythonVarlink(["call", "--more", "unix:\(fixture.path)/org.sscard.Test.Count", #"{"count": 3}"#])
        #expect(call.status == 0, "\(call.errors)")
        #expect(call.output.components(separatedBy: "\"index\"").count - 1 == 3)
    }
}
