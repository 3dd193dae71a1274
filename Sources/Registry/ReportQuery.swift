/// One aggregate statement of a report, in SQL both engines run: `?`
/// placeholders (the PostgreSQL engine numbers them), numeric parameters
/// cast to BIGINT so PostgreSQL need not guess their types, integer division
/// for buckets, no engine-specific functions. Every column comes back as text.
///
/// The limit to one service point is part of the text, not a `? IS NULL`
/// test, so each variant is a plain statement with its own plan.
public struct ReportQuery: Hashable, Sendable {
    public let sql: String

    static let milliseconds = "CAST(? AS BIGINT)"

    /// Audit entries in [from, to) by action, outcome, channel and service point.
    /// Parameters: from, to[, service point].
    static func operations(scoped: Bool) -> ReportQuery {
        ReportQuery(sql: "SELECT action, outcome, channel, service_point, COUNT(*) FROM audit "
                        + "WHERE at >= \(milliseconds) AND at < \(milliseconds)"
                        + (scoped ? " AND service_point = ?" : "")
                        + " GROUP BY action, outcome, channel, service_point")
    }

    /// Entries done in [from, to) by bucket and action. Parameters: from, bucket
    /// width, from, to[, service point].
    static func timeline(scoped: Bool) -> ReportQuery {
        ReportQuery(sql: "SELECT (at - \(milliseconds)) / \(milliseconds) AS bucket, action, COUNT(*) FROM audit "
                        + "WHERE at >= \(milliseconds) AND at < \(milliseconds) AND outcome = 'done'"
                        + (scoped ? " AND service_point = ?" : "")
                        + " GROUP BY bucket, action")
    }

    /// Pending temporary losses by local day of their deadline from today;
    /// scoped: those whose latest temporary-loss report was made at the
    /// service point. Parameters: today, today[, service point].
    static func pendingReleases(scoped: Bool) -> ReportQuery {
        let scope = scoped ? """
             AND (SELECT a.service_point FROM audit a WHERE a.card_number = c.card_number \
            AND a.action = 'reportTemporaryLoss' AND a.outcome = 'done' ORDER BY a.at DESC LIMIT 1) = ?
            """ : ""
        return ReportQuery(sql: "SELECT CASE WHEN c.loss_deadline < \(milliseconds) THEN 0 "
                               + "ELSE (c.loss_deadline - \(milliseconds)) / 86400000 END AS day, COUNT(*) "
                               + "FROM cards c WHERE c.loss_deadline IS NOT NULL\(scope) GROUP BY day")
    }

    /// Applications not yet collected, by stage and age bucket; scoped: those
    /// accepted at the service point. Parameters: now × 4[, service point].
    static func backlog(scoped: Bool) -> ReportQuery {
        let stages = ActivityReport.backlogStages.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let age = BacklogAge.boundsInDays.enumerated().map { index, days in
            "WHEN \(milliseconds) - p.created_at < \(days * 86_400_000) THEN \(index)"
        }.joined(separator: " ")
        let scope = scoped ? """
             AND EXISTS (SELECT 1 FROM audit a WHERE a.application_id = p.id AND a.action IN ('apply', 'replace') \
            AND a.outcome = 'done' AND a.service_point = ?)
            """ : ""
        return ReportQuery(sql: "SELECT \(RegistryRows.applicationStage("p")) AS reported_stage, "
                               + "CASE \(age) ELSE \(BacklogAge.boundsInDays.count) END AS age, COUNT(*) "
                               + "FROM applications p WHERE p.stage IN (\(stages))\(scope) GROUP BY reported_stage, age")
    }

    /// Replacement applications accepted in [from, to) by fee settlement,
    /// with the fees' sum. Parameters: from, to[, service point].
    static func fees(scoped: Bool) -> ReportQuery {
        ReportQuery(sql: "SELECT p.fee_settlement, COUNT(*), SUM(p.fee_fen) FROM audit a "
                        + "JOIN applications p ON p.id = a.application_id "
                        + "WHERE a.action = 'replace' AND a.outcome = 'done' "
                        + "AND a.at >= \(milliseconds) AND a.at < \(milliseconds)"
                        + (scoped ? " AND a.service_point = ?" : "")
                        + " GROUP BY p.fee_settlement")
    }

    /// The text with `?` numbered `$1`, `$2`, … for PostgreSQL. The
    /// statements hold no `?` inside string literals.
    public var numbered: String {
        var out = ""
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                out += "$\(index)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
