// sscard-migrate-registry: copies a service point's SQLite registry into an
// empty PostgreSQL registry and verifies the copy. See docs/operations.md.
import Foundation
import PostgreSQLStore
import Registry
import RegistryPostgreSQL

let usage = """
    usage: sscard-migrate-registry [--service-point NAME] [--audit-key-file PATH] SQLITE-FILE CONNINFO

    Copies holders, applications, cards, loss deadlines and the audit trail of
    a stopped service point's registry file into an empty PostgreSQL registry
    (the trail becomes the service point's chain, hashes unchanged), then
    verifies every row and both trails. The chain is named after
    --service-point, or after the one service point the trail names. A keyed
    trail needs its audit key (--audit-key-file, readable by its owner only;
    the daemons on PostgreSQL must then be given the same key).
    Exit status: 0 copied and verified, 1 refused or failed (nothing copied,
    unless the verification itself failed), 2 usage.

    """

func fail(_ message: String, _ code: Int32) -> Never {
    FileHandle.standardError.write(Data("sscard-migrate-registry: \(message)\n".utf8))
    exit(code)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var servicePoint: String?
if let index = arguments.firstIndex(of: "--service-point") {
    guard index + 1 < arguments.count, !arguments[index + 1].isEmpty else { fail("--service-point needs a name\n" + usage, 2) }
    servicePoint = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
var auditKeyPath: String?
if let index = arguments.firstIndex(of: "--audit-key-file") {
    guard index + 1 < arguments.count, !arguments[index + 1].isEmpty else { fail("--audit-key-file needs a path\n" + usage, 2) }
    auditKeyPath = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage, terminator: "")
    exit(0)
}
guard arguments.count == 2, !arguments[0].hasPrefix("-") else { fail("expected SQLITE-FILE and CONNINFO\n" + usage, 2) }
let (path, conninfo) = (arguments[0], arguments[1])
let shown: String
do {
    shown = try PGConninfo(conninfo).masked
} catch {
    fail("CONNINFO is not a valid libpq connection string: \(error)", 2)
}
do {
    let chain = try servicePoint ?? RegistryTransfer.servicePoint(ofSQLiteRegistry: path)
    print("copying \(path) into \(shown) as the audit chain \"\(chain)\"")
    let auditKey = try auditKeyPath.map { try AuditKey.load(path: $0, ownerOnly: true) }
    let report = try RegistryTransfer(sourcePath: path, conninfo: conninfo, chain: chain, auditKey: auditKey).run()
    print("""
        copied and verified: \(report.holders) holders, \(report.applications) applications, \(report.cards) cards \
        (\(report.deadlines) pending temporary-loss deadlines), \(report.auditEntries) audit entries in chain \
        "\(report.chain)"; both audit trails intact
        """)
} catch {
    fail("\(error)", 1)
}
