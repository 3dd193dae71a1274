import Foundation
import Glibc

/// A file replaced whole: written to `PATH.tmp` in the same directory,
/// fsynced, renamed over `PATH`, the directory fsynced. A reader sees the
/// old file or the new one, never half of either, and a crash leaves one of
/// them. Used for `audit-head` and the metrics file.
///
/// The temporary file is removed first and created with `O_EXCL | O_NOFOLLOW`:
/// in a directory someone else may also write (node_exporter's textfile
/// directory), a symbolic link planted at `PATH.tmp` must not make sscardd
/// truncate, re-mode and overwrite whatever it points to.
enum AtomicFile {
    /// Which step failed, and errno's text at that moment.
    struct Failure: Error, Equatable {
        let step: String
        let reason: String
    }

    static func temporaryPath(for path: String) -> String { path + ".tmp" }

    /// Replaces `path` with `bytes`, mode `mode` whatever the umask.
    static func replace(_ path: String, with bytes: [UInt8], mode: mode_t) throws(Failure) {
        let temporary = temporaryPath(for: path)
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var offset = 0
        var problem: Failure?
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { problem = failure("cannot write \(temporary)"); break }
            offset += written
        }
        if problem == nil, fchmod(fd, mode) != 0 { problem = failure("cannot set the mode of \(temporary)") }
        if problem == nil, fsync(fd) != 0 { problem = failure("cannot fsync \(temporary)") }
        close(fd)
        if let problem {
            unlink(temporary)
            throw problem
        }
        guard rename(temporary, path) == 0 else {
            let problem = failure("cannot rename \(temporary) into place")
            unlink(temporary)
            throw problem
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ step: String) -> Failure {
        Failure(step: step, reason: String(cString: strerror(errno)))
    }
}
