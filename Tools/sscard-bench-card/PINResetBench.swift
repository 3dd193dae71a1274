import Foundation
import PCSC
import SocialSecurityCard
import SSCardValues

/// `sscard-bench-card pin-reset HOLDER-READER PSAM-READER KEYFILE ITERATIONS`
///
/// The added cost of a PIN reset through a PSAM against the software module,
/// in the same run against the same pcscd, holder's card and PSAM: each
/// round resets the PIN once with each module (alternating which goes
/// first), timing `SocialSecurityApplication.resetPIN` (unblock + reload, each
/// after GET CHALLENGE, and for the PSAM its `prepare` and two MACs) on an
/// open connection. Prints medians, p90s and APDU counts per reset, both
/// the holder card's and the PSAM's (session set-up counted separately).
enum PINResetBench {
    static func run(holderReader: String, psamReader: String, keyFile: String, iterations: Int) throws {
        let software = try SoftwareSecurityModule(contentsOfFile: keyFile)
        var pin: [UInt8] = [0x12, 0x34, 0x56]
        let psam = PSAMSecurityModule(reader: psamReader, aid: [0xA0, 0x00, 0x00, 0x00, 0x03, 0x53, 0x53, 0x50, 0x53, 0x41, 0x4D],
                                      profile: PSAMProfile(), operatorPIN: &pin)
        defer { psam.close() }
        try connectWhenPresent(psamReader).disconnect(.leave)
        let connection = try connectWhenPresent(holderReader)
        defer { connection.disconnect(.reset) }
        let application = SocialSecurityApplication(channel: connection)
        _ = try application.readIdentity()
        let pins = [try PIN("123456"), try PIN("246810")]

        // Session set-up (SELECT, VERIFY, EF15) happens once: measure it apart.
        let setupStart = now()
        _ = psam.status()
        let setup = Double(now() - setupStart) / 1e6
        let setupCommands = psam.status().commandsSent

        var times: [String: [Double]] = ["software": [], "psam": []]
        var holderAPDUs: [String: Int] = [:]
        var psamAPDUs = 0
        for round in 0..<(iterations + 10) {
            let order: [(String, any SecurityModule)] = round % 2 == 0 ? [("software", software), ("psam", psam)]
                : [("psam", psam), ("software", software)]
            for (index, (name, module)) in order.enumerated() {
                let exchangesBefore = connection.exchanges
                let psamBefore = psam.status().commandsSent
                let start = now()
                try application.resetPIN(new: pins[(round + index) % 2], using: module)
                let elapsed = Double(now() - start) / 1e6
                guard round >= 10 else { continue }  // warm-up
                times[name, default: []].append(elapsed)
                holderAPDUs[name] = connection.exchanges - exchangesBefore
                if name == "psam" { psamAPDUs = psam.status().commandsSent - psamBefore }
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func p90(_ values: [Double]) -> Double { values.sorted()[min(values.count - 1, values.count * 9 / 10)] }
        for name in ["software", "psam"] {
            let values = times[name] ?? []
            print(String(format: "%@ reset median %.3f ms p90 %.3f ms holder-apdus %d", name, median(values), p90(values),
                         holderAPDUs[name] ?? 0))
        }
        print("psam apdus per reset \(psamAPDUs)")
        print(String(format: "psam session set-up %.3f ms, %d apdus (once per session)", setup, setupCommands))
        print(String(format: "added by the psam: median %.3f ms", median(times["psam"] ?? []) - median(times["software"] ?? [])))
    }

    /// pcscd sees a virtual card at vpcd's next presence poll: wait for both
    /// readers to show a card (through the status change events), then connect.
    static func connectWhenPresent(_ reader: String) throws -> CardConnection {
        let context = try PCSCContext()
        let monitor = try ReaderMonitor()
        let present = DispatchSemaphore(value: 0)
        monitor.start { event in
            if case .cardInserted(reader, _) = event { present.signal() }
        }
        defer { monitor.stop() }
        if (try? context.status(of: [reader]).first?.cardPresent) != true {
            guard present.wait(timeout: .now() + 30) == .success else { throw PCSCError.noSmartcard }
        }
        return try context.connect(reader: reader, share: .exclusive)
    }
}
