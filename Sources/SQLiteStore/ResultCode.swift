import CSQLite

/// An SQLite result code, kept as the raw `Int32` so that codes this file does
/// not name still round-trip. `SQLiteError.code` is always a primary code
/// (`.full`, `.constraint`, …), which is what callers switch on; the extended
/// code (e.g. `SQLITE_CONSTRAINT_UNIQUE`) is kept separately for diagnostics.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code of an extended code (the low 8 bits).
    public var primary: ResultCode { ResultCode(rawValue & 0xFF) }

    /// SQLite's own English text for the code (`sqlite3_errstr`), e.g. "database or disk is full".
    public var description: String {
        "\(String(cString: sqlite3_errstr(rawValue))) (\(rawValue))"
    }

    public static let ok = ResultCode(SQLITE_OK)
    public static let error = ResultCode(SQLITE_ERROR)
    public static let `internal` = ResultCode(SQLITE_INTERNAL)
    public static let perm = ResultCode(SQLITE_PERM)
    public static let abort = ResultCode(SQLITE_ABORT)
    public static let busy = ResultCode(SQLITE_BUSY)
    public static let locked = ResultCode(SQLITE_LOCKED)
    public static let nomem = ResultCode(SQLITE_NOMEM)
    public static let readonly = ResultCode(SQLITE_READONLY)
    public static let interrupt = ResultCode(SQLITE_INTERRUPT)
    public static let ioerr = ResultCode(SQLITE_IOERR)
    public static let corrupt = ResultCode(SQLITE_CORRUPT)
    public static let notfound = ResultCode(SQLITE_NOTFOUND)
    public static let full = ResultCode(SQLITE_FULL)
    public static let cantopen = ResultCode(SQLITE_CANTOPEN)
    public static let `protocol` = ResultCode(SQLITE_PROTOCOL)
    public static let schema = ResultCode(SQLITE_SCHEMA)
    public static let toobig = ResultCode(SQLITE_TOOBIG)
    public static let constraint = ResultCode(SQLITE_CONSTRAINT)
    public static let mismatch = ResultCode(SQLITE_MISMATCH)
    public static let misuse = ResultCode(SQLITE_MISUSE)
    public static let range = ResultCode(SQLITE_RANGE)
    public static let notadb = ResultCode(SQLITE_NOTADB)
    public static let row = ResultCode(SQLITE_ROW)
    public static let done = ResultCode(SQLITE_DONE)

    // Extended constraint codes (C macros that Swift does not import).
    public static let constraintCheck = ResultCode(SQLITE_CONSTRAINT | (1 << 8))
    public static let constraintCommitHook = ResultCode(SQLITE_CONSTRAINT | (2 << 8))
    public static let constraintForeignKey = ResultCode(SQLITE_CONSTRAINT | (3 << 8))
    public static let constraintNotNull = ResultCode(SQLITE_CONSTRAINT | (5 << 8))
    public static let constraintPrimaryKey = ResultCode(SQLITE_CONSTRAINT | (6 << 8))
    public static let constraintUnique = ResultCode(SQLITE_CONSTRAINT | (8 << 8))
}
