import Foundation
import Synchronization

/// What this daemon counts for the metrics file (`MetricsFileService`): its
/// calls, their refusals by reason, reader errors, auto-releases and the
/// file's own write failures. Counting starts when the daemon starts; the
/// counters are Prometheus counters, which `rate()` reads across restarts.
///
/// The hot path (every call) touches only `calls`, which takes no lock; the
/// rest is counted under a Mutex on paths where a durable write or a card
/// operation has already cost far more.
final class DaemonMetrics: Sendable {
    let servicePoint: String
    let calls = CallMetrics()
    /// When the daemon started, seconds since the epoch.
    let startTime: Double
    private let refusals = Mutex<[String: UInt64]>([:])
    private let readerErrors = Mutex<[ReaderErrorKey: UInt64]>([:])
    private let autoReleases = Atomic<UInt64>(0)
    private let writeFailures = Atomic<UInt64>(0)

    struct ReaderErrorKey: Hashable, Comparable {
        let reader: String
        let error: String

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.reader, lhs.error) < (rhs.reader, rhs.error) }
    }

    init(servicePoint: String, startTime: Date = Date()) {
        self.servicePoint = servicePoint
        self.startTime = startTime.timeIntervalSince1970
    }

    /// A call answered with an error: counted by the error's short name.
    func refused(reason: String) {
        refusals.withLock { $0[reason, default: 0] += 1 }
    }

    /// A reader operation failed, or a card in it could not be read at
    /// insertion, or it stopped answering: counted by reader and error.
    func readerError(reader: String, error: String) {
        readerErrors.withLock { $0[ReaderErrorKey(reader: reader, error: error), default: 0] += 1 }
    }

    /// The deadline keeper released `count` temporary losses.
    func autoReleased(_ count: Int) {
        autoReleases.wrappingAdd(UInt64(max(count, 0)), ordering: .relaxed)
    }

    /// The metrics file could not be written.
    func writeFailed() {
        writeFailures.wrappingAdd(1, ordering: .relaxed)
    }

    /// The counted figures as they stand, sorted for a stable file.
    struct Counts {
        var refusals: [(reason: String, count: UInt64)]
        var readerErrors: [(key: ReaderErrorKey, count: UInt64)]
        var autoReleases: UInt64
        var writeFailures: UInt64
    }

    func counts() -> Counts {
        Counts(refusals: refusals.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } },
               readerErrors: readerErrors.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } },
               autoReleases: autoReleases.load(ordering: .relaxed),
               writeFailures: writeFailures.load(ordering: .relaxed))
    }
}
