import CLibPQ
import Foundation

/// A NOTIFY received on a LISTENing connection.
public struct PGNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    /// The server process that sent it.
    public let senderPID: Int32
}

extension PGConnection {
    /// Subscribes this session to `channel` (a plain lower-case identifier).
    public func listen(_ channel: String) throws(PostgreSQLError) {
        guard channel.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw PostgreSQLError(kind: .misuse, message: "not a plain channel name: \(channel)")
        }
        try execute("LISTEN \(channel)")
    }

    /// The notifications that have arrived, waiting up to `timeout` for the
    /// first one. A broken connection is `.connectionLost`.
    public func notifications(waitingUpTo timeout: TimeInterval) throws(PostgreSQLError) -> [PGNotification] {
        guard let conn else { throw PostgreSQLError(kind: .misuse, message: "connection closed") }
        var received = try drain(conn)
        guard received.isEmpty else { return received }
        let socket = PQsocket(conn)
        guard socket >= 0 else {
            markBroken()
            throw PostgreSQLError(kind: .connectionLost, message: "no socket")
        }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeout) * 1000))
        if ready > 0 { received = try drain(conn) }
        return received
    }

    /// Reads what the socket holds and takes every queued notification.
    private func drain(_ conn: OpaquePointer) throws(PostgreSQLError) -> [PGNotification] {
        if PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK {
            markBroken()
            throw PostgreSQLError(kind: .connectionLost,
                                  message: String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var out: [PGNotification] = []
        while let notify = PQnotifies(conn) {
            out.append(PGNotification(channel: String(cString: notify.pointee.relname),
                                      payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                                      senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return out
    }
}
