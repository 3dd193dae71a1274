import Foundation
import SSCardValues

/// Where an administrator asked sscardd to write a backup, checked before a
/// byte is written.
///
/// sscardd writes with its own rights, which include the live registry. A
/// backup renamed over `registry.sqlite` or its `-wal`/`-shm` would replace
/// the database under the open connections (and lose every change in the
/// WAL), and one renamed over an existing file destroys whatever it was —
/// an older backup, say. So the live files are refused always, and an
/// existing path unless the caller says `overwrite`. The state directory's
/// own top level is refused too: it holds the daemon's files (the registry,
/// `audit-head`, whose loss would let a truncated audit chain pass as
/// whole), and backups belong in a subdirectory (`backups/`). Paths are
/// compared after resolving symbolic links in the directory and in the name.
struct BackupTarget: Equatable {
    enum Refusal: Error, Equatable {
        case notAbsolute
        case liveDatabaseFile(String)
        case stateDirectoryFile(String)
        case exists
        case notARegularFile
    }

    let path: String

    /// Decides whether `path` may receive a backup of the database at
    /// `registryPath`; the refusal says why.
    static func check(_ path: String, registryPath: String?, stateDirectory: String?,
                      overwrite: Bool) throws(Refusal) -> BackupTarget {
        guard path.hasPrefix("/") else { throw .notAbsolute }
        let target = resolved(path)
        if let registryPath {
            let live = resolved(registryPath)
            for suffix in ["", "-wal", "-shm", "-journal"] where target == live + suffix {
                throw .liveDatabaseFile((registryPath as NSString).lastPathComponent + suffix)
            }
            // The backup is first written beside the target as `.partial`.
            for suffix in ["", "-wal", "-shm", "-journal"] where target + ".partial" == live + suffix {
                throw .liveDatabaseFile((registryPath as NSString).lastPathComponent + suffix)
            }
        }
        if let stateDirectory, (target as NSString).deletingLastPathComponent == resolved(stateDirectory) {
            throw .stateDirectoryFile((target as NSString).lastPathComponent)
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard overwrite else { throw .exists }
            guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile }
        }
        return BackupTarget(path: path)
    }

    /// `path` with symbolic links resolved: the whole path if it exists,
    /// else its directory (the file is about to be created there).
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard let real = realpath(directory, nil) else { return path }
        defer { free(real) }
        return (String(cString: real) as NSString).appendingPathComponent(name)
    }
}

extension BackupTarget.Refusal: CustomStringConvertible {
    var description: String {
        switch self {
        case .notAbsolute: return "must be an absolute path"
        case .liveDatabaseFile(let name): return "is the live registry's \(name); a backup must go elsewhere"
        case .stateDirectoryFile(let name):
            return "\(PrintableText.quoted(name)) is in sscardd's state directory beside its own files (the registry, "
                + "audit-head); put backups in a subdirectory such as backups/"
        case .exists: return "already exists; pass overwrite to replace it"
        case .notARegularFile: return "exists and is not a regular file"
        }
    }
}
