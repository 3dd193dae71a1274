import SSCardInterfaces

/// Calls by method and outcome, and each method's latency histogram, in
/// lock-free counters (`AtomicCounters`): `SSCardService.handle` records every
/// call here, so recording costs two clock reads and three relaxed adds.
///
/// Per method the counters are laid out as: one per `CallOutcome`, one per
/// latency bucket (each bucket's own count, made cumulative when written),
/// and the sum of the latencies in nanoseconds.
final class CallMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds: from a status answered
    /// from memory (tens of µs) to a card operation at its deadline (15 s by default).
    static let bounds: [Double] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                   0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    private static let boundNanoseconds: [UInt64] = bounds.map { UInt64(($0 * 1e9).rounded()) }

    /// The methods in counter order; the last slot is for a name no method has.
    let methods: [SSCardMethod]
    private let slots: [SSCardMethod: Int]
    private let counters: AtomicCounters
    private static let outcomes = CallOutcome.allCases.count
    private static let stride = outcomes + bounds.count + 1 + 1

    init(methods: [SSCardMethod] = SSCardMethod.allCases) {
        self.methods = methods
        slots = Dictionary(uniqueKeysWithValues: methods.enumerated().map { ($1, $0) })
        counters = AtomicCounters(count: (methods.count + 1) * Self.stride)
    }

    /// Counts one call of `method` (nil: a name that is no org.sscard method).
    func record(_ method: SSCardMethod?, _ outcome: CallOutcome, nanoseconds: UInt64) {
        let base = (method.flatMap { slots[$0] } ?? methods.count) * Self.stride
        counters.add(base + outcome.rawValue)
        var bucket = 0
        while bucket < Self.boundNanoseconds.count, nanoseconds > Self.boundNanoseconds[bucket] { bucket += 1 }
        counters.add(base + Self.outcomes + bucket)
        counters.add(base + Self.stride - 1, nanoseconds)
    }

    /// One method's figures as they stand.
    struct Figures: Equatable {
        /// The method's short name ("Registry.GetStatus"), or "unknown".
        let method: String
        /// Calls by outcome, in `CallOutcome` order.
        let outcomes: [UInt64]
        /// Each latency bucket's own count; the last is above every bound.
        let buckets: [UInt64]
        let sumSeconds: Double

        var calls: UInt64 { outcomes.reduce(0, +) }
    }

    /// Every method's figures, in method order, "unknown" last.
    func figures() -> [Figures] {
        (0...methods.count).map { slot in
            let base = slot * Self.stride
            return Figures(
                method: slot < methods.count ? Self.shortName(methods[slot]) : "unknown",
                outcomes: (0..<Self.outcomes).map { counters.value(base + $0) },
                buckets: (0...Self.bounds.count).map { counters.value(base + Self.outcomes + $0) },
                sumSeconds: Double(counters.value(base + Self.stride - 1)) / 1e9)
        }
    }

    /// "Registry.GetStatus", "Reader.Monitor": the `method` label, short
    /// but unambiguous (both interfaces have a Monitor).
    static func shortName(_ method: SSCardMethod) -> String {
        switch method {
        case let .registry(method): "Registry.\(method.rawValue)"
        case let .reader(method): "Reader.\(method.rawValue)"
        }
    }
}
