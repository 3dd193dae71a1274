import Foundation

/// Renders prompts with espeak-ng (`-v cmn` Mandarin, `-v en` English) on
/// first use and keeps the WAVs in memory: no cache directory to sandbox,
/// and the few dozen prompts are small (about 100 KB each). Missing
/// espeak-ng is logged once; the page then hides its speech controls.
final class SpeechSynthesizer: @unchecked Sendable {
    let command: String
    let available: Bool
    private let lock = NSLock()
    private var cache: [String: [UInt8]] = [:]

    init(command: String) {
        self.command = command
        available = FileManager.default.isExecutableFile(atPath: command)
        if !available { KioskLog.warning("no spoken prompts: \(command) is not an executable (install espeak-ng)") }
    }

    /// The WAV for a prompt id and language; nil for an unknown id or a failed synthesis.
    func wav(_ id: String, _ language: Language) -> [UInt8]? {
        guard available, let text = SpeechPrompt.text(id) else { return nil }
        let key = "\(id).\(language.rawValue)"
        if let cached = lock.withLock({ cache[key] }) { return cached }
        guard let rendered = render(text(language), voice: language == .zh ? "cmn" : "en") else { return nil }
        lock.withLock { cache[key] = rendered }
        return rendered
    }

    private func render(_ text: String, voice: String) -> [UInt8]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = ["-v", voice, "-s", "150", "--stdout", text]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            KioskLog.warning("espeak-ng did not start: \(error)")
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, data.count > 44 else {
            KioskLog.warning("espeak-ng failed for a \(voice) prompt (status \(process.terminationStatus))")
            return nil
        }
        return Self.fixLengths([UInt8](data))
    }

    /// espeak-ng streaming to stdout cannot know the lengths and writes
    /// 0x7ffff000 into the RIFF and data sizes; the page's <audio> wants them right.
    static func fixLengths(_ wav: [UInt8]) -> [UInt8] {
        var wav = wav
        guard wav.count >= 44, wav[0..<4].elementsEqual("RIFF".utf8), wav[36..<40].elementsEqual("data".utf8) else { return wav }
        func put(_ value: Int, at offset: Int) {
            for index in 0..<4 { wav[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        put(wav.count - 8, at: 4)
        put(wav.count - 44, at: 40)
        return wav
    }
}
