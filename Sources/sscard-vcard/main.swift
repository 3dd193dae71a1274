import Foundation
import Glibc
import VirtualCard

// sscard-vcard: virtual social security cards for vpcd slots.
//
//   sscard-vcard --port 40000 --profile a.json [--port 40001 --profile b.json ...]
//
// Prints "sscard-vcard: ready port N profile P" each time a slot connects,
// exits 0 on SIGTERM/SIGINT, 1 on a bad profile (naming the field), 2 on
// bad arguments.

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("sscard-vcard: " + message + "\n").utf8))
    exit(code)
}

let usage = """
    usage: sscard-vcard [--trace headers] --port N --profile FILE [--port N --profile FILE ...]

    Puts a virtual social security card into each vpcd slot listening on
    127.0.0.1:N (vsmartcard-vpcd), from a JSON profile (docs/vcard.md).
    For commissioning and tests: it holds no issuer keys and writes no real
    card. Exit status: 0 on SIGTERM/SIGINT, 1 a bad profile, 2 usage.

    """

var ports: [UInt16] = []
/// `--trace headers`: each command's CLA INS P1 P2 on stdout, never its data
/// (a PIN), so a test can count what reached the chip.
var traceHeaders = false
var profilePaths: [String] = []
var arguments = CommandLine.arguments.dropFirst()
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage, terminator: "")
    exit(0)
}
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("\(flag) needs a value", code: 2) }
    switch flag {
    case "--port":
        guard let port = UInt16(value), port > 0 else { fail("--port: not a TCP port", code: 2) }
        ports.append(port)
    case "--profile":
        profilePaths.append(value)
    case "--trace":
        guard value == "headers" else { fail("--trace: only 'headers' is known", code: 2) }
        traceHeaders = true
    default:
        fail("unknown option \(flag); usage: --port N --profile FILE [...]", code: 2)
    }
}
guard !ports.isEmpty, ports.count == profilePaths.count else {
    fail("give one --profile per --port; usage: --port N --profile FILE [...]", code: 2)
}

let output = LineOutput()
var slots: [VPCDSlot] = []
for (port, path) in zip(ports, profilePaths) {
    do {
        let profile = try CardProfile.load(path: path)
        let card = VirtualSSCard(profile: profile)
        slots.append(VPCDSlot(port: port, profilePath: path, card: card, output: output, traceHeaders: traceHeaders))
    } catch {
        fail("\(error)", code: 1)
    }
}

// SIGTERM and SIGINT are blocked before any slot thread exists (threads
// inherit the mask) and taken with sigwait, so one sent the moment a slot
// reports "ready" stays pending until we take it. (A dispatch signal source
// after SIG_IGN left a window in which the signal was discarded: a fault run
// saw a card that never left.)
signal(SIGPIPE, SIG_IGN)
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

for slot in slots {
    let thread = Thread { slot.run() }
    thread.name = "vpcd-\(slot.port)"
    thread.start()
}
var received: Int32 = 0
while sigwait(&stopSignals, &received) != 0 {}
slots.forEach { $0.stop() }
exit(0)
