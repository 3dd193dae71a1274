import Foundation
import Glibc

/// The metrics file, replaced whole (`AtomicFile`: `PATH.tmp` in the same
/// directory, fsynced, renamed over `PATH`). node_exporter reads the textfile
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

    var temporaryPath: String { AtomicFile.temporaryPath(for: path) }

    func write(_ text: String) throws(Failure) {
        do {
            try AtomicFile.replace(path, with: Array(text.utf8), mode: 0o644)
        } catch {
            throw Failure(path: path, step: error.step, reason: error.reason)
        }
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
