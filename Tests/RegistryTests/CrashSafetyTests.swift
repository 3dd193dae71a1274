import Foundation
import Testing
@testable import Registry
import SSCardValues

/// A child process writes through group commit and is killed with SIGKILL in
/// the middle of its burst. Every change it was told had succeeded must be in
/// the file afterwards, nothing may be half applied, and the chain verifies.
@Suite(.serialized) struct CrashSafetyTests {
    static let threads = 8
    static let cardsPerThread = 4

    @Test(arguments: [40, 400, 1500])
    func acknowledgedChangesSurviveSIGKILL(killAfterAcks: Int) throws {
        let fixture = try RegistryFixture()
        let cards = Self.threads * Self.cardsPerThread
        for n in 1...cards { try fixture.card(n, in: .active) }
        let setupEntries = try fixture.registry.history(limit: 100_000).count
        try fixture.store.close()

        let child = Process()
        child.executableURL = BuiltProduct.url("sscard-registry-writer")
        child.arguments = [fixture.path, String(Self.threads), String(Self.cardsPerThread)]
        let output = Pipe()
        child.standardOutput = output
        try child.run()

        // Read acknowledgements as they arrive; kill once enough have.
        var acknowledged: [String: Int] = [:]
        var seen = 0
        var buffer = Data()
        let reader = output.fileHandleForReading
        while seen < killAfterAcks {
            let chunk = reader.availableData
            #expect(!chunk.isEmpty, "the writer stopped early")
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                let fields = line.split(separator: " ")
                #expect(!line.hasPrefix("error"), "\(line)")
                guard fields.first == "ack", fields.count == 4, let count = Int(fields[2]) else { continue }
                acknowledged[String(fields[1]), default: 0] = max(acknowledged[String(fields[1]), default: 0], count)
                seen += 1
            }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)

        try fixture.reopen()
        let registry = fixture.registry
        var survivingFlips = 0
        for n in 1...cards {
            let number = RegistryFixture.cardNumber(n)
            let card = try registry.status(of: number).card
            let flips = try registry.history(cardNumber: number, limit: 100_000)
                .filter { $0.outcome == .done && ["reportTemporaryLoss", "releaseLoss"].contains($0.action.rawValue) }.count
            let acked = acknowledged[number.rawValue, default: 0]
            // Acknowledged flips all survived; at most one more committed before the kill, unacknowledged.
            #expect(flips >= acked && flips <= acked + 1, "card \(n): \(flips) flips stored, \(acked) acknowledged")
            // The card row and its audit entries agree: no half-applied change.
            #expect(card.state == (flips % 2 == 0 ? .active : .temporarilyLost))
            #expect((card.lossDeadline != nil) == (card.state == .temporarilyLost))
            survivingFlips += flips
        }
        #expect(survivingFlips >= killAfterAcks)
        let verification = try registry.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.entriesChecked == setupEntries + survivingFlips)
    }
}

/// Finds executables built alongside the test bundle.
enum BuiltProduct {
    static func url(_ name: String) -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS" {
            directory = directory.deletingLastPathComponent()
        }
        for candidate in [directory, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return directory.appendingPathComponent(name)
    }
}
