import Foundation

/// Samples the 1-minute load average every few seconds while the benchmarks
/// run, and summarizes it for the report.
final class LoadSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []
    private let stopRequested = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    let interval: Double

    init(interval: Double = 5) {
        self.interval = interval
        Thread.detachNewThread { [self] in
            repeat {
                if let sample = Self.loadAverage() { lock.withLock { samples.append(sample) } }
            } while stopRequested.wait(timeout: .now() + interval) == .timedOut
            stopped.signal()
        }
    }

    /// Stops sampling (taking a last sample) and describes the load seen.
    func finish() -> String {
        stopRequested.signal()
        stopped.wait()
        if let sample = Self.loadAverage() { lock.withLock { samples.append(sample) } }
        let seen = lock.withLock { Samples(samples) }
        return "load average (1 min) during the run: min \(format(seen.percentile(0), 2)), "
            + "median \(format(seen.median, 2)), max \(format(seen.percentile(100), 2)) "
            + "(\(seen.values.count) samples, every \(Int(interval)) s)"
    }

    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}
