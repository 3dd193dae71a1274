/// Why the migrator refused to touch a database.
public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database records migrations this binary does not know: it was
    /// written by a newer sscard. Running old code on a newer schema could
    /// corrupt data silently, so the daemon must stop instead.
    case unknownAppliedMigrations([String])
    /// Two migrations in the list share an id (a programming error).
    case duplicateIdentifier(String)

    public var description: String {
        switch self {
        case let .unknownAppliedMigrations(ids):
            return "database has migrations this version does not know (newer schema?): \(ids.joined(separator: ", "))"
        case let .duplicateIdentifier(id):
            return "migration id used twice: \(id)"
        }
    }
}
