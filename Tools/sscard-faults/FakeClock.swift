import Foundation

/// The wall clock of a daemon started under libfaketime, stepped from outside
/// like an NTP step or an operator's `date -s`: the daemon reads its offset
/// from a file on every clock call (FAKETIME_NO_CACHE), so a step takes effect
/// at the daemon's next clock reading.
///
/// Only CLOCK_REALTIME is faked (FAKETIME_DONT_FAKE_MONOTONIC): a real step
/// leaves the monotonic clock alone, and the daemon's sleeps rely on that.
final class FakeClock {
    static let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

    let path: String

    init(path: String) throws {
        guard FileManager.default.fileExists(atPath: Self.library) else {
            throw FaultFailure("\(Self.library) is missing: install the faketime package")
        }
        self.path = path
        try write(offset: 0)
    }

    /// Seconds the daemon's clock is ahead of the real one (negative: behind).
    private(set) var offset: Double = 0

    /// The daemon's clock now, in seconds since 1970.
    var now: Double { Date().timeIntervalSince1970 + offset }

    /// The environment that puts a child under this clock.
    ///
    /// FAKETIME_SHARED names shared-memory objects that do not exist: with
    /// the variable unset, libfaketime 0.9.10 left Swift programs with an
    /// empty CommandLine.arguments here (argc 0, so sscardd ignored
    /// `--config`); with it set, the arguments arrive and the clock file
    /// still governs the time. (The `faketime` wrapper sets it too, but does
    /// not pass SIGTERM on to its child.)
    var environment: [String: String] {
        ["LD_PRELOAD": Self.library, "FAKETIME_TIMESTAMP_FILE": path, "FAKETIME_NO_CACHE": "1",
         "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_SHARED": "/sscard_faults_no_sem /sscard_faults_no_shm"]
    }

    /// Sets the daemon's clock to `seconds` since 1970 (its wall clock from
    /// now on runs at the real rate from there). Returns the real time of the
    /// step: the daemon's clock shows `seconds` at that real moment.
    @discardableResult
    func set(to seconds: Double) throws -> Date {
        let now = Date()
        try write(offset: seconds - now.timeIntervalSince1970)
        return now
    }

    /// Atomically (rename), so the daemon never reads half an offset.
    private func write(offset: Double) throws {
        try String(format: "%+.3f\n", offset).write(toFile: path, atomically: true, encoding: .utf8)
        self.offset = offset
    }
}
