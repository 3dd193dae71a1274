import CLibPQ
import Foundation

/// One libpq connection. Used by one thread at a time (the pool hands it out
/// exclusively); libpq itself is thread-safe across connections.
public final class PGConnection: @unchecked Sendable {
    var conn: OpaquePointer?
    /// Set once a call has seen the connection break; the pool then drops it.
    public private(set) var isBroken = false
    /// Statements prepared on this session, by SQL text: parsed and planned by
    /// the server once per connection instead of at every call.
    private var prepared: [String: String] = [:]
    /// Beyond this many distinct statements, the rest run unprepared.
    static let preparedLimit = 256
    /// Whether statements are prepared (named, once per session) or sent
    /// unnamed at every call. Unnamed is for PgBouncer in transaction mode,
    /// where consecutive transactions of one client run on different server
    /// sessions, so a statement prepared on one does not exist on the next.
    public let preparesStatements: Bool
    /// Names this session's prepared statements. Random per connection, so
    /// that if a session is ever multiplexed after all (session mode behind a
    /// transaction pooler, a misconfiguration), a name finds either nothing
    /// ("does not exist") or this connection's own statement, never another
    /// client's statement of the same name with a different meaning.
    private let namePrefix = "sscard_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))_"

    /// Connects with a libpq conninfo string ("host=/run/postgresql dbname=sscard"
    /// or a postgresql:// URI). `applicationName` overrides the conninfo's, so
    /// that a session of a particular use (the change feed's listener) can be
    /// told apart in `pg_stat_activity`. With `preparesStatements` false, no
    /// statement is prepared (for transaction pooling).
    public init(conninfo: String, applicationName: String? = nil,
                preparesStatements: Bool = true) throws(PostgreSQLError) {
        self.preparesStatements = preparesStatements
        conn = applicationName.map { Self.connect(conninfo, applicationName: $0) } ?? PQconnectdb(conninfo)
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            conn = nil
            throw PostgreSQLError(kind: .unavailable, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { close() }

    /// `PQconnectdbParams` with `expand_dbname`: the conninfo (either form) is
    /// read in place of `dbname`, and the keyword after it overrides its value.
    private static func connect(_ conninfo: String, applicationName: String) -> OpaquePointer? {
        let texts: [String] = ["dbname", "application_name", conninfo, applicationName]
        let copies: [UnsafeMutablePointer<CChar>?] = texts.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer<CChar>($0) } }
        let keywords: [UnsafePointer<CChar>?] = [pointers[0], pointers[1], nil]
        let values: [UnsafePointer<CChar>?] = [pointers[2], pointers[3], nil]
        return PQconnectdbParams(keywords, values, 1)
    }

    /// Records that the connection can no longer be used.
    func markBroken() { isBroken = true }

    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// Whether libpq still believes the connection is usable.
    public var isUsable: Bool {
        guard let conn, !isBroken else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    /// The server's process id for this session (for tests that terminate it).
    public var backendPID: Int32 { conn.map { PQbackendPID($0) } ?? 0 }

    /// Runs one or more statements without parameters (schema scripts, BEGIN, COMMIT).
    public func execute(_ sql: String) throws(PostgreSQLError) {
        guard let conn else { throw PostgreSQLError(kind: .misuse, message: "connection closed", sql: sql) }
        let result = PQexec(conn, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one parameterized statement ($1, $2, …) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PGValue] = []) throws(PostgreSQLError) -> [PGRow] {
        guard let conn else { throw PostgreSQLError(kind: .misuse, message: "connection closed", sql: sql) }
        let texts = parameters.map(\.wireText)
        // strdup'd C strings, freed after the call.
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let name = try statementName(sql, parameterCount: Int32(cStrings.count))
        let result: OpaquePointer? = cStrings.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(1, buffer.count)) {
                if let name {
                    return PQexecPrepared(conn, name, Int32(buffer.count), buffer.isEmpty ? nil : $0, nil, nil, 0)
                }
                return PQexecParams(conn, sql, Int32(buffer.count), nil, buffer.isEmpty ? nil : $0, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        try check(result, sql: sql)
        guard let result else { return [] }
        let rows = Int(PQntuples(result))
        let columns = Int(PQnfields(result))
        var out: [PGRow] = []
        out.reserveCapacity(rows)
        for row in 0..<rows {
            var values: [String?] = []
            values.reserveCapacity(columns)
            for column in 0..<columns {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            out.append(PGRow(values: values))
        }
        return out
    }

    /// The prepared statement for `sql`, preparing it the first time; nil
    /// once the cache is full, or when this connection prepares nothing. A
    /// statement the server cannot prepare throws the same error its
    /// execution would (parse and analysis happen here).
    private func statementName(_ sql: String, parameterCount: Int32) throws(PostgreSQLError) -> String? {
        guard preparesStatements else { return nil }
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.preparedLimit, let conn else { return nil }
        let name = namePrefix + String(prepared.count)
        let result = PQprepare(conn, name, sql, parameterCount, nil)
        defer { PQclear(result) }
        try check(result, sql: sql)
        prepared[sql] = name
        return name
    }

    public func queryOne<T>(_ sql: String, _ parameters: [PGValue] = [],
                            _ map: (PGRow) throws -> T) throws -> T? {
        guard let row = try query(sql, parameters).first else { return nil }
        return try map(row)
    }

    private func check(_ result: OpaquePointer?, sql: String) throws(PostgreSQLError) {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY { return }
        let message = (result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) }
            ?? conn.map { String(cString: PQerrorMessage($0)) } ?? "no connection")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        // An error libpq made itself has no SQLSTATE: the server never answered.
        // After a server restart, a write to a pooled session fails this way
        // ("server closed the connection unexpectedly") while PQstatus still
        // says CONNECTION_OK, because libpq reports a failed send only later.
        if sqlState == nil || conn.map({ PQstatus($0) != CONNECTION_OK }) ?? true {
            isBroken = true
            throw PostgreSQLError(kind: .connectionLost, sqlState: sqlState, message: message, sql: sql)
        }
        let error = PostgreSQLError(kind: .server, sqlState: sqlState, message: message, sql: sql)
        if error.isConnectionFailure { isBroken = true }
        throw error
    }
}
