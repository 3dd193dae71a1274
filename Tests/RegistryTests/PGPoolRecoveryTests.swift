import Foundation
import PostgreSQLStore
import SSCardRig
import Testing

/// PGPool's recovery from an unreachable server, against a Unix socket that
/// accepts connections and never answers: libpq then waits in its startup
/// exchange, as it does for a server that hangs during a failover.
@Suite struct PGPoolRecoveryTests {
    /// A listening Unix socket named like a PostgreSQL server's, that says nothing.
    final class SilentServer {
        let directory: String
        private var listener: Int32 = -1

        init() throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("sscard-silent-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        var socketPath: String { directory + "/.s.PGSQL.5432" }

        func listen() throws {
            listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in socketPath.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0, Glibc.listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        }

        /// Blocks until a client has connected; returns its descriptor.
        func acceptOne() -> Int32 { accept(listener, nil, nil) }

        deinit {
            if listener >= 0 { close(listener) }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Once the server is known unreachable, one caller probes it; while that
    /// probe waits, every other caller fails at once with `.unavailable`
    /// instead of opening a connection of its own.
    @Test func onlyOneCallerProbesAnUnreachableServer() throws {
        let server = try SilentServer()
        let pool = PGPool(conninfo: "host=\(server.directory) port=5432 user=x dbname=x connect_timeout=30",
                          minimumBackoff: 0, maximumBackoff: 0)
        // No socket yet: the first attempt fails at once, and the pool knows the server is down.
        #expect(throws: PostgreSQLError.self) { try pool.checkConnection() }
        #expect(pool.consecutiveFailures == 1 && pool.connectionAttempts == 1)

        try server.listen()
        let probeDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? pool.checkConnection()
            probeDone.signal()
        }
        let probe = server.acceptOne()  // the probe is connected and waiting for the server's answer
        #expect(probe >= 0)

        let others = DispatchGroup()
        let refusals = LockedValue<[String]>([])
        for _ in 0..<8 {
            others.enter()
            Thread.detachNewThread {
                defer { others.leave() }
                do { try pool.checkConnection() } catch { refusals.append("\(error)") }
            }
        }
        others.wait()
        #expect(refusals.value.count == 8)
        #expect(refusals.value.allSatisfy { $0.contains("an attempt is under way") }, "\(refusals.value)")
        #expect(pool.connectionAttempts == 2)

        close(probe)  // the "server" hangs up: the probe fails, and the next caller may probe again
        probeDone.wait()
        #expect(pool.consecutiveFailures == 2)
        let nextDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? pool.checkConnection()
            nextDone.signal()
        }
        let next = server.acceptOne()  // the next probe arrived: the pool did not stay stuck
        #expect(next >= 0)
        close(next)
        nextDone.wait()
        #expect(pool.connectionAttempts == 3 && pool.consecutiveFailures == 3)
    }
}

