import SQLiteStore

/// How much the registry checks before it serves.
public enum IntegrityCheck: String, Sendable, CaseIterable {
    /// Schema objects present (tables, indexes, the audit guard triggers) and
    /// the newest audit entries intact. Constant time, so a registry of a
    /// million cards still opens in milliseconds.
    case bounded
    /// Also SQLite's `PRAGMA integrity_check` over every page and the whole
    /// audit chain. Seconds per million cards; run it in the background or
    /// on demand (`SQLiteRegistryStore.checkIntegrity`).
    case full
}

/// The checks `SQLiteRegistryStore` runs when it opens a file.
enum OpenCheck {
    static let requiredObjects: [(type: String, name: String)] = [
        ("table", "holders"), ("table", "applications"), ("table", "cards"), ("table", "audit"),
        ("index", "cards_by_ssn"), ("index", "cards_by_loss_deadline"), ("index", "audit_by_card"),
        ("index", "audit_by_ssn"), ("trigger", "audit_no_update"), ("trigger", "audit_no_delete"),
        ("trigger", "audit_no_replace"),
    ]

    static let tailLength = 256

    /// Returns the problems found; empty means the file may serve.
    static func run(_ connection: Connection, level: IntegrityCheck, key: AuditKey?) throws -> [String] {
        var problems: [String] = []
        var present = Set<String>()
        try connection.query("SELECT type, name FROM sqlite_schema") { row in
            present.insert("\(row.string(0) ?? "") \(row.string(1) ?? "")")
        }
        for object in requiredObjects where !present.contains("\(object.type) \(object.name)") {
            problems.append("schema \(object.type) \(object.name) is missing")
        }
        guard problems.isEmpty else { return problems }
        let access = SQLiteRegistryAccess(db: connection, auditKey: key)
        var tail = try access.auditEntries(cardNumber: nil, ssn: nil, limit: tailLength)
        if level == .full {
            problems += try connection.integrityCheck(full: true)
            let chain = try AuditTrail.verify(access)
            if let broken = chain.firstBrokenSequence {
                problems.append("audit chain broken at entry \(broken): \(chain.problem ?? "")")
            }
            tail = []
        }
        let verification = AuditTrail.verifyTail(tail, key: key)
        if let broken = verification.firstBrokenSequence {
            problems.append("audit chain broken at entry \(broken): \(verification.problem ?? "")")
        }
        return problems
    }
}
