// A write burst for the crash-safety test: several threads flip their own
// cards between temporary loss and release, and print one line per change
// the registry acknowledged. The test kills this process with SIGKILL in the
// middle and checks that every acknowledged change survived.
import Foundation
import Registry
import SSCardValues

let arguments = CommandLine.arguments
guard arguments.count == 4, let threads = Int(arguments[2]), let cardsPerThread = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: sscard-registry-writer PATH THREADS CARDS-PER-THREAD\n".utf8))
    exit(64)
}
let store = try SQLiteRegistryStore(path: arguments[1])
let registry = Registry(store: store, servicePoint: "crash-test")
let actor = Actor(id: "writer", role: .operator, channel: .counter, servicePoint: "crash-test")

/// One write(2) per line, so lines from different threads never interleave
/// and each is out of the process before the next change starts.
@Sendable func acknowledge(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
}

acknowledge("ready")
for thread in 0..<threads {
    Thread.detachNewThread {
        var counts = [Int](repeating: 0, count: cardsPerThread)
        while true {
            for slot in 0..<cardsPerThread {
                let n = thread * cardsPerThread + slot
                let number = try! CardNumber.withCheckCharacter(body: "A" + String(format: "%07d", n + 1))
                let request = CardRequest(cardNumber: number, actor: actor, evidence: Evidence(document: .idCard))
                do {
                    let card = counts[slot] % 2 == 0
                        ? try registry.reportLoss(.temporary, request)
                        : try registry.releaseLoss(request)
                    counts[slot] += 1
                    acknowledge("ack \(number.rawValue) \(counts[slot]) \(card.state.rawValue)")
                } catch {
                    acknowledge("error \(error)")
                    exit(1)
                }
            }
        }
    }
}
while true { sleep(60) }
