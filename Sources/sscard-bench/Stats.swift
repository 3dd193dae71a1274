import Foundation

/// Monotonic time in nanoseconds.
func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Times `body` and returns seconds.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = monotonicNanoseconds()
    try body()
    return Double(monotonicNanoseconds() - start) / 1e9
}

/// Percentiles of a set of samples.
struct Samples {
    private(set) var values: [Double]

    init(_ values: [Double]) { self.values = values.sorted() }

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let index = min(values.count - 1, max(0, Int((p / 100 * Double(values.count)).rounded(.up)) - 1))
        return values[index]
    }

    var median: Double { percentile(50) }
}
