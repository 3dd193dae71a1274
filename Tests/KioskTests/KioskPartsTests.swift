import Foundation
import SSCardInterfaces
@testable import SSCardKiosk
import SSCardRig
import Testing
import Varlink

@Suite struct KeyDecoderTests {
    @Test func keys() {
        #expect(KeyDecoder.decode(Array("12\r0\n".utf8)) == [.digit(1), .digit(2), .enter, .digit(0), .enter])
        #expect(KeyDecoder.decode([0x1B]) == [.escape])
        #expect(KeyDecoder.decode([0x1B, 0x1B]) == [.escape, .escape])  // two presses
        #expect(KeyDecoder.decode([0x7F, 0x08]) == [.backspace, .backspace])
        #expect(KeyDecoder.decode(Array("*lLx".utf8)) == [.language, .language, .language, .other])
        // Arrow keys and function keys are consumed whole.
        #expect(KeyDecoder.decode(Array("\u{1B}[A5\u{1B}[15~".utf8)) == [.other, .digit(5), .other])
        // The numeric keypad in application mode.
        #expect(KeyDecoder.decode(Array("\u{1B}Op\u{1B}Oy\u{1B}OM\u{1B}Oj".utf8)) == [.digit(0), .digit(9), .enter, .language])
    }
}

@Suite struct KioskOptionsTests {
    @Test func defaults() throws {
        let options = try KioskOptions([], environment: [:])
        #expect(options.socketPath == "/run/sscard/sscard.sock")
        #expect(options.reader == nil)
        #expect(options.limits == IdleLimits(reading: 30, pinEntry: 60, warning: 10))
        #expect(options.language == .zh)
        #expect(!options.web && options.listenPort == 8181)
        #expect(options.startPagePath(environment: [:]) == "/run/sscard-kiosk/start.html")
        #expect(options.startPagePath(environment: ["RUNTIME_DIRECTORY": "/run/k"]) == "/run/k/start.html")
    }

    @Test func everyOption() throws {
        let options = try KioskOptions(["--socket", "/tmp/s", "--reader=Virtual PCD 00 00", "--idle-timeout", "2",
                                        "--lang", "en"], environment: ["SSCARD_SOCKET": "/env/s"])
        #expect(options.socketPath == "/tmp/s")
        #expect(options.reader == "Virtual PCD 00 00")
        #expect(options.idleTimeoutSeconds == 2)
        #expect(options.language == .en)
        #expect(try KioskOptions([], environment: ["SSCARD_SOCKET": "/env/s"]).socketPath == "/env/s")
        let web = try KioskOptions(["--web", "--listen", "127.0.0.1:9090", "--start-page", "/tmp/k/start.html",
                                    "--pin-timeout", "90", "--idle-warning", "5"], environment: [:])
        #expect(web.web && web.listenPort == 9090 && web.startPage == "/tmp/k/start.html")
        #expect(web.limits == IdleLimits(reading: 30, pinEntry: 90, warning: 5))
    }

    @Test(arguments: [["--lang", "fr"], ["--idle-timeout", "0"], ["--idle-timeout", "soon"], ["--socket"],
                      ["--colour", "red"], ["stray"],
                      ["--listen", "0.0.0.0:8181"], ["--listen", "127.0.0.1:0"], ["--start-page", "start.html"],
                      ["--pin-timeout", "-1"]])
    func badArguments(_ words: [String]) {
        #expect(throws: KioskUsageError.self) { try KioskOptions(words, environment: [:]) }
    }
}

@Suite struct ErrorMappingTests {
    @Test(arguments: [
        (VarlinkError(RegistryErrorName.transitionRefused, [.cardNumber: "A00000011", .state: "temporarilyLost",
                                                                 .operation: "changePassword", .reason: "x"]),
         Notice.notAllowed(state: "temporarilyLost")),
        (VarlinkError(RegistryErrorName.ruleViolated, [.rule: "pinRejected", .reason: "wrong PIN, 2 tries left"]),
         .wrongPin(triesLeft: 2)),
        (VarlinkError(RegistryErrorName.ruleViolated, [.rule: "pinBlocked", .reason: "blocked"]), .pinBlocked),
        (VarlinkError(RegistryErrorName.ruleViolated, [.rule: "channelNotOffered",
                                                       .reason: "changePassword is not offered through the kiosk channel"]),
         .counterOnly),
        (VarlinkError(RegistryErrorName.ruleViolated, [.rule: "somethingElse", .reason: ""]), .notAllowed(state: nil)),
        (VarlinkError(RegistryErrorName.identityMismatch, [.reason: ""]), .identityMismatch),
        (VarlinkError(RegistryErrorName.permissionDenied, [.method: "x"]), .permissionDenied),
        (VarlinkError(ReaderErrorName.permissionDenied, [.method: "x"]), .permissionDenied),
        (VarlinkError(RegistryErrorName.cardNotFound, [.cardNumber: "A00000011"]), .cardNotRegistered),
        (VarlinkError(ReaderErrorName.noCardInReader), .cardUnreadable),
        (VarlinkError(ReaderErrorName.cardFailed, [.reader: "r", .reason: "x"]), .cardUnreadable),
        (VarlinkError(ReaderErrorName.pinFormat, [.reason: "x"]), .pinFormat),
        (VarlinkError(RegistryErrorName.registryUnavailable, [.reason: "x"]), .serviceUnavailable),
        (VarlinkError(RegistryErrorName.storageFull, [.reason: "x"]), .serviceUnavailable),
        (VarlinkError("org.varlink.service.MethodNotFound", ["method": "x"]), .failed),
        (VarlinkError("com.example.Unheard"), .failed),
    ])
    func notice(_ error: VarlinkError, _ notice: Notice) {
        #expect(KioskText.notice(for: error) == notice)
        // Every notice has words in both languages.
        let text = KioskText.notice(notice)
        #expect(!text.zh.isEmpty && !text.en.isEmpty)
    }

    @Test func everyCardStateHasBothNames() {
        for state in ["issued", "active", "locked", "temporarilyLost", "formallyLost", "sealed", "cancelled"] {
            let name = KioskText.state(state)
            #expect(name.zh != state && name.en != state)
        }
    }
}

@Suite struct PinDigitsTests {
    @Test func textFormsNeverShowDigits() {
        let pin = PinDigits("123456")
        #expect("\(pin)" == "******")
        #expect(!String(reflecting: pin).contains("123456"))
        var dumped = ""
        dump(pin, to: &dumped)
        #expect(!dumped.contains("1, 2") && !dumped.contains("123456"))
        var state = Fixture.pinConfirm.make()
        dumped = ""
        dump(state, to: &dumped)
        #expect(!dumped.contains("654321"))
        state.handle(.key(.escape))
    }

    @Test func wipeZeroesSharedStorage() {
        var pin = PinDigits("1234")
        let copy = pin
        pin.wipe()
        #expect(pin.isEmpty)
        #expect(copy == PinDigits("0000"))  // the same storage, overwritten: no copy of the digits survives
    }

    @Test func takeLeavesNothingBehind() {
        var pin = PinDigits("123456")
        var taken = pin.take()
        #expect(pin.isEmpty)
        #expect(taken == PinDigits("123456"))
        taken.withASCII { #expect(Array($0) == Array("123456".utf8)) }
        taken.wipe()
    }

    @Test func removeLastOverwrites() {
        var pin = PinDigits("1239")
        let copy = pin
        pin.removeLast()
        #expect(pin == PinDigits("123"))
        #expect(copy == PinDigits("1230"))
    }
}

@Suite struct DaemonLinkTests {
    @Test func monitorEvents() {
        let identity: JSONValue = .fields([.cardNumber: "A00000011", .name: "张三丰", .ssn: "11010519491231002X"])
        #expect(DaemonLink.event(.fields([.event: "cardInserted", .reader: "R", .identity: identity]))
            == .cardInserted(reader: "R", holder: CardHolder(reader: "R", cardNumber: "A00000011", name: "张三丰",
                                                              ssn: "11010519491231002X")))
        #expect(DaemonLink.event(.fields([.event: "cardInserted", .reader: "R", .readError: "x"]))
            == .cardInserted(reader: "R", holder: nil))
        #expect(DaemonLink.event(.fields([.event: "cardRemoved", .reader: "R"])) == .cardRemoved(reader: "R"))
        #expect(DaemonLink.event(.fields([.event: "readerDetached", .reader: "R"])) == .readerDetached(reader: "R"))
        #expect(DaemonLink.event(.fields([.event: "readerAttached", .reader: "R"])) == nil)
        #expect(DaemonLink.event(.fields([.event: "cardRemoved"])) == nil)
    }

    @Test func replies() {
        let reply: JSONValue = .fields([
            .card: .fields([.cardNumber: "A00000011", .state: "temporarilyLost", .previousState: "active",
                     .lossExpiresAt: "2026-12-01T01:48:56.997Z"]),
            .reminder: .fields([.zh: "中", .en: "en"]),
        ])
        #expect(DaemonLink.outcome { reply } == .success(CallReply(status: Fixture.lost, reminder: Reminder(zh: "中", en: "en"))))
        #expect(DaemonLink.outcome { [:] } == .failure(.failed))
        #expect(DaemonLink.outcome { throw VarlinkError(RegistryErrorName.identityMismatch) } == .failure(.identityMismatch))
        #expect(DaemonLink.outcome { throw VarlinkTransportError.connectionClosed } == .failure(.serviceUnavailable))
    }
}

/// SecretCall against a one-shot Unix socket server in the test.
@Suite struct SecretCallTests {
    @Test func sendsThePinsAsJSONAndReadsTheReply() throws {
        let path = "/tmp/kiosk-secret-\(getpid()).sock"
        unlink(path)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 1) == 0)
        defer { close(listener); unlink(path) }

        let received = LockedValue<[UInt8]>([])
        let server = Thread {
            let connection = accept(listener, nil, nil)
            var buffer = [UInt8](repeating: 0, count: 4096)
            var request: [UInt8] = []
            while !request.contains(0) {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { break }
                request += buffer[0..<count]
            }
            received.set(request)
            var reply = Array(#"{"parameters":{"card":{"cardNumber":"A00000011","state":"active"}}}"#.utf8) + [0]
            _ = write(connection, &reply, reply.count)
            close(connection)
        }
        server.start()

        let reply = try SecretCall.call(socketPath: path, method: RegistryMethod.changePassword.name,
                                        plain: [WireKey.reader.rawValue: "Virtual \"PCD\" 00"],
                                        secrets: [("oldPin", PinDigits("123456")), ("newPin", PinDigits("6543210"))])
        #expect(reply[.card]?[.state]?.string == "active")
        var bytes = received.value
        #expect(bytes.last == 0)
        bytes.removeLast()
        let request = try JSONValue(parsing: bytes)
        #expect(request[.method]?.string == RegistryMethod.changePassword.name)
        #expect(request["parameters"]?[.oldPin]?.string == "123456")
        #expect(request["parameters"]?[.newPin]?.string == "6543210")
        #expect(request["parameters"]?[.reader]?.string == "Virtual \"PCD\" 00")
    }

    @Test func anErrorReplyThrows() throws {
        #expect(throws: VarlinkTransportError.self) {
            try SecretCall.call(socketPath: "/nonexistent/kiosk.sock", method: "m", plain: [:], secrets: [])
        }
    }
}

