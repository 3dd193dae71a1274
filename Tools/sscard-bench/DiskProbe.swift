import Foundation

/// How many durable commits this disk allows at all: 4 KiB appended and
/// `fdatasync`ed in a loop, beside the registry file, for `seconds`.
///
/// Every durable mutation waits for at least one such flush, so this rate
/// (times the group-commit batch) is the ceiling any writer here can reach;
/// it moves with the machine's other I/O, which is why each benchmark
/// measures it in the same run.
enum DiskProbe {
    static func flushesPerSecond(besides path: String, seconds: Double = 2) -> Double {
        let probe = (path as NSString).deletingLastPathComponent + "/sscard-bench-fsync-probe.\(getpid())"
        let fd = open(probe, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { return .nan }
        defer { close(fd); unlink(probe) }
        let block = [UInt8](repeating: 0x5A, count: 4096)
        var flushes = 0
        let start = monotonicNanoseconds()
        let end = start + UInt64(seconds * 1e9)
        while monotonicNanoseconds() < end {
            guard block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == block.count,
                  fdatasync(fd) == 0 else { return .nan }
            flushes += 1
        }
        return Double(flushes) / (Double(monotonicNanoseconds() - start) / 1e9)
    }
}
