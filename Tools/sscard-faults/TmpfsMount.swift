import Foundation
import Glibc

/// A small tmpfs over a directory for the length of a scenario: a file system
/// that fills up in milliseconds and can be made read-only, without a loop
/// device. Needs root (CAP_SYS_ADMIN). `unmount` is idempotent; call it in a
/// `defer` so that a failed run does not leave a mount behind.
final class TmpfsMount {
    let path: String
    private var mounted = false

    init(path: String, sizeKiB: Int) throws {
        self.path = path
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(sizeKiB)k,mode=0755") == 0 else {
            throw FaultFailure("cannot mount a tmpfs on \(path): \(String(cString: strerror(errno))) (the disk scenario needs root)")
        }
        mounted = true
    }

    /// Makes the file system read-only (or writable again) in place.
    func remount(readOnly: Bool) throws {
        let flags = UInt(MS_REMOUNT) | (readOnly ? UInt(MS_RDONLY) : 0)
        guard mount("tmpfs", path, "tmpfs", flags, nil) == 0 else {
            throw FaultFailure("cannot remount \(path) \(readOnly ? "read-only" : "read-write"): \(String(cString: strerror(errno)))")
        }
    }

    /// Unmounts; lazily if something (a daemon that did not stop) still holds it.
    func unmount() {
        guard mounted else { return }
        if umount2(path, 0) != 0 { _ = umount2(path, Int32(MNT_DETACH)) }
        mounted = false
    }

    deinit { unmount() }
}

/// A file that takes every free byte of a file system, and gives them back.
struct FillerFile {
    let path: String

    /// Writes until ENOSPC, in ever smaller pieces down to single bytes, so
    /// that not even a partial page is left. Returns the bytes written.
    @discardableResult
    func fill() throws -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FaultFailure("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var total = 0
        for size in [1 << 20, 4096, 1] {
            let chunk = [UInt8](repeating: 0x5A, count: size)
            while true {
                let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, size) }
                if written > 0 {
                    total += written
                    continue
                }
                guard errno == ENOSPC else { throw FaultFailure("writing \(path): \(String(cString: strerror(errno)))") }
                break
            }
        }
        return total
    }

    func remove() throws {
        guard unlink(path) == 0 else { throw FaultFailure("cannot remove \(path): \(String(cString: strerror(errno)))") }
    }
}
