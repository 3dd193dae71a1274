import Foundation

/// Call latencies from several client threads, kept per time window so a
/// run can compare its first and last minute, and as a whole.
final class LatencyRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private let window: Duration
    /// Microseconds, per window index.
    private var windows: [[Int]] = []

    /// `window`: the width of each time slice (a minute in the soak run).
    init(window: Duration = .seconds(3600)) {
        self.window = window
    }

    /// Times `body` and records it in the window it started in.
    func time<T>(_ body: () throws -> T) rethrows -> T {
        let began = ContinuousClock.now
        let result = try body()
        record(began: began, took: ContinuousClock.now - began)
        return result
    }

    func record(began: ContinuousClock.Instant, took: Duration) {
        let index = max(0, Int((began - start) / window))
        let micros = Int(took / .microseconds(1))
        lock.withLock {
            while windows.count <= index { windows.append([]) }
            windows[index].append(micros)
        }
    }

    var all: Percentiles { Percentiles(lock.withLock { windows.flatMap { $0 } }) }

    /// One summary per window, empty windows included.
    var perWindow: [Percentiles] { lock.withLock { windows }.map(Percentiles.init) }
}

/// p50 and p99 of a set of latencies, in microseconds.
struct Percentiles: CustomStringConvertible {
    let count: Int
    let p50: Int
    let p99: Int

    init(_ samples: [Int]) {
        let sorted = samples.sorted()
        count = sorted.count
        func at(_ fraction: Double) -> Int {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
        }
        p50 = at(0.50)
        p99 = at(0.99)
    }

    var description: String { "p50 \(Self.format(p50)) / p99 \(Self.format(p99)) (\(count) calls)" }

    static func format(_ micros: Int) -> String {
        micros >= 10_000 ? String(format: "%.1f ms", Double(micros) / 1000) : "\(micros) µs"
    }
}
