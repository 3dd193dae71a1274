import Foundation
import Testing
@testable import Varlink

@Suite struct ListeningSocketTests {
    private func server(at path: String, _ configure: (inout VarlinkServer.Configuration) -> Void = { _ in }) throws -> VarlinkServer {
        var configuration = VarlinkServer.Configuration(socketPath: path)
        configuration.acceptsSocketActivation = false
        configure(&configuration)
        let server = try VarlinkServer(configuration: configuration, info: testInfo, interfaces: [testInterface], handler: TestHandler())
        server.start()
        return server
    }

    /// A socket file with nobody listening, as a crashed daemon leaves behind.
    private func makeStaleSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let bound = UnixSocketAddress(path: path)!.withSockaddr { bind(descriptor, $0, $1) }
        Glibc.close(descriptor)
        guard bound == 0 else { throw SystemError.current("bind") }
    }

    @Test func aStaleSocketFileIsReplaced() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/s"
        try makeStaleSocket(at: path)
        #expect(throws: VarlinkTransportError.self) { try VarlinkClient(path: path) }
        let server = try server(at: path)
        defer { server.stop() }
        #expect(try VarlinkClient(path: path).call("org.sscard.Test.Echo", ["text": "new"])["text"] == "new")
    }

    @Test func aLiveSocketIsNotTakenOver() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/s"
        let first = try server(at: path)
        defer { first.stop() }
        #expect(throws: VarlinkServerError.alreadyRunning(path: path)) { _ = try server(at: path) }
        #expect(try VarlinkClient(path: path).call("org.varlink.service.GetInfo")["product"] == "varlink tests")
    }

    @Test func somethingThatIsNotASocketIsLeftAlone() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/s"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: VarlinkServerError.notASocket(path: path)) { _ = try server(at: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test(arguments: [UInt32(0o660), 0o600])
    func socketModeAndGroupAreApplied(mode: UInt32) throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/s"
        // Root may give the socket any group; others only their own.
        let group: UInt32 = getuid() == 0 ? 4242 : getgid()
        let server = try server(at: path) {
            $0.socketMode = mode
            $0.socketGroup = group
        }
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(UInt32(status.st_mode) & 0o7777 == mode)
        #expect(status.st_gid == group)
        server.stop()
        #expect(lstat(path, &status) != 0, "removed on stop")
    }

    @Test func socketActivationVariablesMustNameThisProcess() {
        let pid = getpid()
        #expect(SocketActivation.listeningDescriptors(environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "2"], processID: pid) == [3, 4])
        #expect(SocketActivation.listeningDescriptors(environment: ["LISTEN_PID": "\(pid + 1)", "LISTEN_FDS": "1"], processID: pid) == [])
        #expect(SocketActivation.listeningDescriptors(environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "0"], processID: pid) == [])
        #expect(SocketActivation.listeningDescriptors(environment: ["LISTEN_FDS": "1"], processID: pid) == [])
    }

    @Test func anInheritedListeningSocketIsAdopted() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/activated"
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(UnixSocketAddress(path: path)!.withSockaddr { bind(descriptor, $0, $1) } == 0)
        #expect(listen(descriptor, 16) == 0)
        let pid = getpid()
        let passed = SocketActivation.listeningDescriptors(
            environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "1"], processID: pid, firstDescriptor: descriptor)
        #expect(passed == [descriptor])
        let server = try server(at: directory + "/unused") { $0.listeningDescriptor = passed.first }
        #expect(server.isSocketInherited)
        #expect(try VarlinkClient(path: path).call("org.sscard.Test.Echo", ["text": "activated"])["text"] == "activated")
        #expect(!FileManager.default.fileExists(atPath: directory + "/unused"))
        server.stop()
        #expect(FileManager.default.fileExists(atPath: path), "the unit's socket file is not ours to remove")
    }

    @Test func anInheritedDescriptorThatIsNotListeningIsRefused() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { Glibc.close(pair[0]); Glibc.close(pair[1]) }
        #expect(throws: VarlinkServerError.invalidInheritedSocket(descriptor: pair[0])) {
            _ = try server(at: "/nonexistent/x") { $0.listeningDescriptor = pair[0] }
        }
    }
}
