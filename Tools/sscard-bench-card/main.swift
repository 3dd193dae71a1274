import Foundation
import Synchronization
import PCSC
import SocialSecurityCard

// sscard-bench-card READER ITERATIONS
// sscard-bench-card pin-reset HOLDER-READER PSAM-READER KEYFILE ITERATIONS   (PINResetBench)
//
// Measures, through real pcscd, how long sscard takes from a card being
// present to its identity parsed: SCardConnect, SocialSecurityApplication
// .readIdentity(), SCardDisconnect. Also measures one APDU's round trip
// (SELECT on an open connection) for the floor, and prints the APDU
// sequence so another client (pyscard) can send exactly the same.
// Output: one "name value" line per measurement, in seconds.

let arguments = CommandLine.arguments
if arguments.count == 6, arguments[1] == "pin-reset", let iterations = Int(arguments[5]), iterations > 0 {
    do {
        try PINResetBench.run(holderReader: arguments[2], psamReader: arguments[3], keyFile: arguments[4], iterations: iterations)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("sscard-bench-card pin-reset: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count == 3, let iterations = Int(arguments[2]), iterations > 0 else {
    FileHandle.standardError.write(Data("usage: sscard-bench-card READER ITERATIONS\n".utf8))
    exit(2)
}
let reader = arguments[1]

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func seconds(_ from: UInt64, _ to: UInt64) -> String { String(format: "%.9f", Double(to - from) / 1e9) }

do {
    // Wait for the card through the monitor (an event, not a poll), and
    // time the first read from that event.
    let monitor = try ReaderMonitor()
    let inserted = DispatchSemaphore(value: 0)
    let insertedAt = Mutex<UInt64>(0)
    monitor.start { event in
        guard case .cardInserted(reader, _) = event else { return }
        let stamp = DispatchTime.now().uptimeNanoseconds
        if insertedAt.withLock({ at in
            guard at == 0 else { return false }
            at = stamp
            return true
        }) { inserted.signal() }
    }
    guard inserted.wait(timeout: .now() + 30) == .success else {
        FileHandle.standardError.write(Data("no card in \(reader)\n".utf8))
        exit(1)
    }
    let context = try PCSCContext()
    let first = try context.connect(reader: reader)
    _ = try SocialSecurityApplication(channel: first).readIdentity()
    print("event_to_identity \(seconds(insertedAt.withLock { $0 }, now()))")
    print("apdus \(first.exchanges)")
    first.disconnect()
    monitor.stop()

    for command in IdentitySequence.commands { print("apdu \(Hex(command.bytes))") }

    // Warm-up rounds, then measured ones. Each round takes every
    // measurement once, so load from other processes hits them alike.
    let commands = IdentitySequence.commands
    let open = try context.connect(reader: reader)
    defer { open.disconnect() }
    let recorder = SocialSecurityApplication(channel: open)
    try recorder.select()
    var responses: [CardField: ResponseAPDU] = [:]
    for field in CardField.identityFields { responses[field] = try recorder.readRecord(field) }
    for round in 0..<(iterations + 10) {
        let measured = round >= 10

        // Card present → identity parsed: connect, read and decode. The
        // disconnect comes after the identity is in hand, outside the clock.
        var start = now()
        let connection = try context.connect(reader: reader)
        let identity = try SocialSecurityApplication(channel: connection).readIdentity()
        var end = now()
        connection.disconnect()
        precondition(!identity.name.rawValue.isEmpty)
        if measured { print("read \(seconds(start, end))") }

        // The same APDUs without decoding: transport alone.
        start = now()
        let plain = try context.connect(reader: reader)
        for command in commands { _ = try plain.transmit(command) }
        end = now()
        plain.disconnect()
        if measured { print("transport \(seconds(start, end))") }

        // One APDU's round trip on an open connection.
        start = now()
        _ = try open.transmitRaw(commands[0].bytes)
        end = now()
        if measured { print("rtt \(seconds(start, end))") }

        // Decoding alone: the identity from responses already received.
        start = now()
        _ = try CardIdentity(responses: responses, atr: open.atr)
        end = now()
        if measured { print("decode \(seconds(start, end))") }

        // SCardConnect alone, part of every read.
        start = now()
        let bare = try context.connect(reader: reader)
        end = now()
        bare.disconnect()
        if measured { print("connect \(seconds(start, end))") }
    }
} catch {
    FileHandle.standardError.write(Data("sscard-bench-card: \(error)\n".utf8))
    exit(1)
}
