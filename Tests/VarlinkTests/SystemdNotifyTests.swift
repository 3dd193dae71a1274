import Foundation
import Testing
@testable import Varlink

@Suite struct SystemdNotifyTests {
    /// A datagram socket standing in for systemd's notification socket.
    private final class Listener {
        let descriptor: Int32
        init(path: String) throws {
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard UnixSocketAddress(path: path)!.withSockaddr({ bind(descriptor, $0, $1) }) == 0 else {
                throw SystemError.current("bind")
            }
        }
        deinit { Glibc.close(descriptor) }

        /// Blocks for the next datagram (with a generous failure timeout).
        func receive() -> String? {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 30_000) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            return count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }

    @Test func sendsStatesToAPathSocket() throws {
        let directory = try makeTemporaryDirectory()
        let listener = try Listener(path: directory + "/notify")
        let notify = SystemdNotify(environment: ["NOTIFY_SOCKET": directory + "/notify"])
        #expect(try notify.notify("READY=1"))
        #expect(listener.receive() == "READY=1")
        try notify.status("serving\n2 readers")
        #expect(listener.receive() == "STATUS=serving 2 readers")
        try notify.stopping()
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "@sscard-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try Listener(path: name)
        let notify = SystemdNotify(environment: ["NOTIFY_SOCKET": name])
        try notify.watchdog()
        #expect(listener.receive() == "WATCHDOG=1")
    }

    @Test func withoutNotifySocketNothingIsSent() throws {
        let notify = SystemdNotify(environment: [:])
        #expect(notify.socketPath == nil)
        #expect(try notify.notify("READY=1") == false)
    }

    @Test func sendingToAMissingSocketIsAnError() {
        let notify = SystemdNotify(environment: ["NOTIFY_SOCKET": "/nonexistent/notify"])
        #expect(throws: SystemError.self) { try notify.ready() }
    }

    @Test func watchdogIntervalIsHalfTheTimeoutForThisProcessOnly() {
        let pid = getpid()
        #expect(SystemdNotify(environment: ["WATCHDOG_USEC": "10000000"], processID: pid).watchdogInterval == .seconds(5))
        #expect(SystemdNotify(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(pid)"], processID: pid).watchdogInterval == .milliseconds(1500))
        #expect(SystemdNotify(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(pid + 1)"], processID: pid).watchdogInterval == nil)
        #expect(SystemdNotify(environment: ["WATCHDOG_USEC": "0"], processID: pid).watchdogInterval == nil)
        #expect(SystemdNotify(environment: [:], processID: pid).watchdogInterval == nil)
    }
}
