import Foundation
import Glibc

/// The metrics file, replaced whole: written to `PATH.tmp` in the same
/// directory, fsynced, renamed over `PATH`. node_exporter reads the textfile
/// directory whenever Prometheus scrapes, so it must never see half a file;
/// the temporary name does not end in `.prom`, so the collector ignores it.
///
/// Mode 0644 whatever the umask (sscardd.service has UMask=0077): node_exporter
/// runs as another user and must read it. The figures are not secret, and
/// the file holds no personal data (docs/operations.md, "Metrics").
struct MetricsFile {
    /// A write that failed: which step, on which file, and errno's text.
    struct Failure: Error, Equatable, CustomStringConvertible {
        let path: String
        let step: String
        let reason: String
        var description: String { "metrics file \(path): \(step): \(reason)" }
    }

    let path: String

    var temporaryPath: String { path + ".tmp" }
    var directory: String { (path as NSString).deletingLastPathComponent }

    func write(_ text: String) throws(Failure) {
        let temporary = temporaryPath
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        var bytes = Array(text.utf8)
        var offset = 0
        var problem: Failure?
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { problem = failure("cannot write \(temporary)"); break }
            offset += written
        }
        bytes.removeAll()
        if problem == nil, fchmod(fd, 0o644) != 0 { problem = failure("cannot make \(temporary) mode 0644") }
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
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private func failure(_ step: String) -> Failure {
        Failure(path: path, step: step, reason: String(cString: strerror(errno)))
    }

    /// What `--check-config` and the start check: the file is named
    /// `*.prom` (the only files the textfile collector reads) in a directory
    /// that exists and this process may write. Nil when all is well.
    static func problem(with path: String) -> String? {
        guard path.hasSuffix(".prom") else {
            return "'metrics-file' \(path) must end in .prom: node_exporter's textfile collector reads no other file"
        }
        let directory = (path as NSString).deletingLastPathComponent
        var status = stat()
        guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            return "'metrics-file' \(path): the directory \(directory) does not exist "
                + "(node_exporter's --collector.textfile.directory; Debian's is /var/lib/prometheus/node-exporter)"
        }
        guard access(directory, W_OK) == 0 else {
            return "'metrics-file' \(path): sscardd may not write \(directory) (\(String(cString: strerror(errno)))); "
                + "give its user write access, e.g. setfacl -m u:sscard:rwx \(directory)"
        }
        return nil
    }
}
