import Foundation
@testable import Registry
import SSCardRig
import SSCardValues
import Testing

/// A full disk on the database server gives the same `storageFull` answer as
/// on SQLite, leaves nothing half applied, and passes once space is freed.
///
/// The registry's tables are moved into a tablespace on a 4 MiB tmpfs, which
/// a filler file then fills: the server's real ENOSPC, reported as SQLSTATE
/// 53100. Mounting needs root, as the test suite already does.
@Suite struct PostgreSQLDiskFullTests {
    @Test func aFullTablespaceIsStorageFullAndTheSameCallPassesOnceSpaceIsFreed() throws {
        let fixture = try RegistryFixture(.postgresql)
        let mountPoint = fixture.directory.appendingPathComponent("tablespace").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let owner = PostgreSQLRig.shared.serverOwner
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700"
            + (owner.map { ",uid=\($0.uid),gid=\($0.gid)" } ?? ""), "tmpfs", mountPoint])
        let tablespace = "tiny_" + fixture.schema
        defer {
            try? RegistryFixture.admin { connection in
                try connection.execute("DROP SCHEMA IF EXISTS \(fixture.schema) CASCADE")
                try connection.execute("DROP TABLESPACE IF EXISTS \(tablespace)")
            }
            try? Self.run("/bin/umount", [mountPoint])
        }
        try RegistryFixture.admin { connection in
            try connection.execute("CREATE TABLESPACE \(tablespace) LOCATION '\(mountPoint)'")
            for table in ["cards", "audit", "audit_chains", "holders", "applications"] {
                try connection.execute("ALTER TABLE \(fixture.schema).\(table) SET TABLESPACE \(tablespace)")
            }
            try connection.execute("ALTER INDEX ALL IN TABLESPACE pg_default OWNED BY \(PostgreSQLRig.shared.superuser) "
                                   + "SET TABLESPACE \(tablespace)")
        }
        for n in 0..<4 { try fixture.card(n, in: .active) }

        // Fill what is left of the tmpfs.
        let filler = mountPoint + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: filler))
        let block = Data(repeating: 0x46, count: 64 * 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
        try? handle.close()

        // Flip cards until the server runs out of pages for the change.
        var refusal: RegistryError?
        var refusedCard: CardRecord?
        var refusedIndex = 0
        for round in 0..<20_000 where refusal == nil {
            let n = round % 4
            let before = try fixture.registry.status(of: RegistryFixture.cardNumber(n)).card
            do {
                _ = before.state == .active ? try fixture.registry.lock(fixture.request(n))
                                            : try fixture.registry.unlock(fixture.request(n))
            } catch let error as RegistryError {
                refusal = error
                refusedCard = before
                refusedIndex = n
            }
        }
        let error = try #require(refusal, "20,000 changes fit into a full tablespace")
        guard case let .storageFull(message) = error else {
            Issue.record("expected storageFull, got \(error)")
            return
        }
        #expect(message.contains("no space left"))
        #expect(message.contains("nothing was applied"))
        let card = try #require(refusedCard)
        #expect(try fixture.registry.status(of: card.cardNumber).card == card)

        // Space again: the same call passes, without reopening anything.
        try FileManager.default.removeItem(atPath: filler)
        let request = fixture.request(refusedIndex)
        let done = card.state == .active ? try fixture.registry.lock(request) : try fixture.registry.unlock(request)
        #expect(done.state != card.state)
        #expect(try fixture.registry.verifyAudit().isIntact)
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let (code, output) = try runToEnd(executable, arguments)
        guard code == 0 else {
            throw RigError.exited(executable, "\(arguments.joined(separator: " ")): status \(code): \(output)")
        }
    }
}
