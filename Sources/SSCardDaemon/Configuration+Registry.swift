import Foundation
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

/// How sscardd's connections reach the PostgreSQL server. `session`: each
/// connection is one server session for its whole life (direct, or a pooler
/// in session mode), and statements are prepared once per session.
/// `transaction`: a pooler in transaction mode (PgBouncer's `pool_mode =
/// transaction`) may run each transaction on another server session, so
/// statements are sent unnamed, nothing is kept in the session between
/// transactions, and the change feed (LISTEN) cannot be used.
public enum PostgreSQLPooling: String, CaseIterable, Equatable, Sendable {
    case session
    case transaction
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
    static func conninfo(_ value: String, key: String = "postgresql-conninfo") throws -> PGConninfo? {
        guard !value.isEmpty else { return nil }
        do {
            return try PGConninfo(value)
        } catch {
            throw ConfigurationError.Message("'\(key)' is not a valid libpq connection string: \(error.reason)")
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
        // Refused rather than switched off quietly: a daemon whose monitors
        // silently stopped seeing the other daemons' changes is worse than one
        // that does not start and says why.
        if registryEngine == .postgresql && postgresqlPooling == .transaction && changeFeed == .on {
            let explicit = lines["change-feed"] != nil
            throw ConfigurationError(path: path, line: lines[explicit ? "change-feed" : "postgresql-pooling"],
                                     message: "'postgresql-pooling = transaction' needs 'change-feed = off'"
                                         + (explicit ? "" : " (the feed is on by default)")
                                         + ": the change feed LISTENs, which needs a session of its own that "
                                         + "transaction pooling does not give")
        }
        if registryEngine == .postgresql, let conninfo = postgresqlConninfo, !Self.writesOnlyToPrimary(conninfo) {
            throw ConfigurationError(path: path, line: lines["postgresql-conninfo"],
                                     message: "'postgresql-conninfo' lists several hosts but not target_session_attrs="
                                         + "read-write (or primary): after losing the primary, sscardd would use a standby")
        }
    }

    /// Whether libpq will connect only to a server that accepts writes, or
    /// the conninfo names one host. With several hosts and no
    /// `target_session_attrs`, libpq takes the first that answers, so a
    /// daemon that lost the primary would read stale statuses from a standby
    /// instead of answering RegistryUnavailable until a promotion.
    static func writesOnlyToPrimary(_ conninfo: PGConninfo,
                                    environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        let hosts = [conninfo.value("host"), conninfo.value("hostaddr")].compactMap { $0 }
        guard hosts.contains(where: { $0.contains(",") }) else { return true }
        let attributes = conninfo.value("target_session_attrs") ?? environment["PGTARGETSESSIONATTRS"]
        return attributes == "read-write" || attributes == "primary"
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
