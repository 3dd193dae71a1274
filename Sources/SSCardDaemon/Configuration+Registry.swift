import PostgreSQLStore

/// Where the registry lives: the service point's own SQLite file (the
/// default), or a PostgreSQL database shared by many sscardd (docs/scale.md).
public enum RegistryEngine: String, CaseIterable, Equatable, Sendable {
    case sqlite
    case postgresql
}

/// Whether a daemon on the shared registry LISTENs for the changes other
/// daemons commit, so that its Monitor subscribers see them too. LISTEN
/// needs a session of its own per daemon: `off` suits PgBouncer in
/// transaction mode, or thousands of daemons nobody monitors. Meaningless
/// with the sqlite engine (one daemon sees every change anyway).
public enum ChangeFeed: String, CaseIterable, Equatable, Sendable {
    case on
    case off
}

extension Configuration {
    /// Parses `registry-engine`.
    static func registryEngine(_ value: String) throws -> RegistryEngine {
        guard let engine = RegistryEngine(rawValue: value) else {
            throw ConfigurationError.Message("'registry-engine' must be sqlite or postgresql")
        }
        return engine
    }

    /// Parses `postgresql-conninfo` with libpq's own parser, so that a typo is
    /// reported at start with its line. The error never quotes the value (it
    /// may hold a password); libpq's reason names the offending keyword.
    /// Empty means none.
    static func conninfo(_ value: String) throws -> PGConninfo? {
        guard !value.isEmpty else { return nil }
        do {
            return try PGConninfo(value)
        } catch {
            throw ConfigurationError.Message("'postgresql-conninfo' is not a valid libpq connection string: \(error.reason)")
        }
    }

    /// The check between keys, once the whole file is read; `lines` says
    /// where each key was set, so the error can name the line. (A conninfo
    /// with the sqlite engine is allowed and unused, so that switching
    /// engines is one line.)
    func checkRegistryKeys(path: String, lines: [String: Int]) throws {
        if registryEngine == .postgresql && postgresqlConninfo == nil {
            throw ConfigurationError(path: path, line: lines["registry-engine"],
                                     message: "'registry-engine = postgresql' needs 'postgresql-conninfo'")
        }
    }

    /// Where the registry is, for the journal: the file, or the database with
    /// its password masked.
    public var registryLocation: String {
        switch registryEngine {
        case .sqlite: return registryPath
        case .postgresql: return "PostgreSQL (\(postgresqlConninfo?.masked ?? ""))"
        }
    }
}
