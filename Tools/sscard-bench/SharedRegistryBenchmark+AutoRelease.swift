import Foundation
import PostgreSQLStore
import SQLiteStore
import SSCardInterfaces

extension SharedRegistryBenchmark {
    struct Release {
        var released = 0
        var distinct = 0
        var seconds = 0.0
        var perDaemon = ""
        var intact = false
    }

    /// Every card temporarily lost with one deadline `releaseLead` seconds
    /// ahead (by the database server's clock) while four daemons watch;
    /// timed from the deadline until no deadline is left; then the
    /// autoRelease entries are counted, per daemon's chain, and every chain verified.
    func autoReleaseOnPostgreSQL(conninfo: String, verifyThrough socket: String) throws -> Release {
        let db = try PGConnection(conninfo: conninfo)
        defer { db.close() }
        let before = try db.queryOne("SELECT count(*) FROM audit WHERE action = 'autoRelease'") { $0.int64(0) ?? 0 } ?? 0
        let deadline = try db.queryOne("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT") { $0.int64(0) ?? 0 }
            .map { $0 + Int64(releaseLead * 1000) } ?? 0
        try db.query("UPDATE cards SET state = 'temporarilyLost', previous_state = 'active', loss_deadline = $1",
                     [.integer(deadline)])
        let seconds = try waitForReleases(deadline: deadline) {
            try db.queryOne("SELECT count(*) FROM cards WHERE loss_deadline IS NOT NULL") { $0.int64(0) ?? 0 } ?? 0
        }
        var release = Release(seconds: seconds)
        try db.queryOne("SELECT count(*), count(DISTINCT card_number) FROM audit WHERE action = 'autoRelease'") { row in
            release.released = Int((row.int64(0) ?? 0) - before)
            release.distinct = Int(row.int64(1) ?? 0)
        }
        release.perDaemon = try db.query("SELECT chain, count(*) FROM audit WHERE action = 'autoRelease' GROUP BY chain ORDER BY chain")
            .map { "\($0.string(0) ?? "?") \($0.int64(1) ?? 0)" }.joined(separator: ", ")
        release.intact = try Self.intact(socket)
        log("PostgreSQL auto-release: \(release.released) in \(format(seconds, 2)) s; \(release.perDaemon)")
        return release
    }

    /// The same on the SQLite daemon's file (one daemon watching).
    func autoReleaseOnSQLite(path: String, verifyThrough socket: String) throws -> Release {
        let db = try Connection(path: path)
        defer { try? db.close() }
        let before = try db.queryOne("SELECT count(*) FROM audit WHERE action = 'autoRelease'") { $0.int64(0) ?? 0 } ?? 0
        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + Int64(releaseLead * 1000)
        try db.run("UPDATE cards SET state = 'temporarilyLost', previous_state = 'active', loss_deadline = ?",
                   [.integer(deadline)])
        let seconds = try waitForReleases(deadline: deadline) {
            try db.queryOne("SELECT count(*) FROM cards WHERE loss_deadline IS NOT NULL") { $0.int64(0) ?? 0 } ?? 0
        }
        var release = Release(seconds: seconds)
        try db.query("SELECT count(*), count(DISTINCT card_number) FROM audit WHERE action = 'autoRelease'") { row in
            release.released = Int((row.int64(0) ?? 0) - before)
            release.distinct = Int(row.int64(1) ?? 0)
        }
        release.intact = try Self.intact(socket)
        log("SQLite auto-release: \(release.released) in \(format(seconds, 2)) s")
        return release
    }

    /// Seconds from the deadline until `remaining` says none is left (looked
    /// at every 20 ms; measurement, not synchronization); bounded by 10 minutes.
    func waitForReleases(deadline: Int64, remaining: () throws -> Int64) throws -> Double {
        let limit = Date().addingTimeInterval(releaseLead + 600)
        while try remaining() > 0 {
            guard Date() < limit else { throw BenchmarkFailure("deadlines still pending after 10 minutes") }
            usleep(20_000)
        }
        return Date().timeIntervalSince1970 - Double(deadline) / 1000
    }

    /// VerifyAudit through a daemon: every chain of its registry.
    static func intact(_ socket: String) throws -> Bool {
        let reply = try RawClient(path: socket).call(request(.verifyAudit, ""))
        log("VerifyAudit: \(reply)")
        return reply.contains("\"intact\":true")
    }
}
