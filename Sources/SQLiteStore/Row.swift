import CSQLite

/// The current row of a statement, read lazily column by column so iterating a
/// large result allocates nothing per row beyond the values asked for.
///
/// Valid only inside the `query` body (or until the next `step`); using it
/// later traps rather than returning another row's data.
public struct Row {
    let statement: Statement
    let generation: UInt64

    private var handle: OpaquePointer {
        precondition(generation == statement.generation, "Row used after its statement moved on")
        return statement.handle
    }

    public var count: Int { Int(sqlite3_column_count(handle)) }

    private func column(_ index: Int) -> Int32 {
        precondition(index >= 0 && index < count, "column \(index) out of range")
        return Int32(index)
    }

    private func type(_ index: Int) -> Int32 { sqlite3_column_type(handle, column(index)) }

    public func isNull(_ index: Int) -> Bool { type(index) == SQLITE_NULL }

    public subscript(_ index: Int) -> SQLiteValue {
        switch type(index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, Int32(index)))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, Int32(index)))
        case SQLITE_TEXT: return .text(readText(index))
        case SQLITE_BLOB: return .blob(readBlob(index))
        default: return .null
        }
    }

    /// The integer in the column; `nil` for NULL or any other storage class
    /// (no silent text-to-number conversion).
    public func int64(_ index: Int) -> Int64? {
        type(index) == SQLITE_INTEGER ? sqlite3_column_int64(handle, Int32(index)) : nil
    }

    public func int(_ index: Int) -> Int? { int64(index).map { Int($0) } }

    /// 0/1 integers as `Bool`.
    public func bool(_ index: Int) -> Bool? { int64(index).map { $0 != 0 } }

    /// REAL or INTEGER columns as `Double`; `nil` otherwise.
    public func double(_ index: Int) -> Double? {
        switch type(index) {
        case SQLITE_FLOAT, SQLITE_INTEGER: return sqlite3_column_double(handle, Int32(index))
        default: return nil
        }
    }

    public func string(_ index: Int) -> String? {
        type(index) == SQLITE_TEXT ? readText(index) : nil
    }

    public func blob(_ index: Int) -> [UInt8]? {
        type(index) == SQLITE_BLOB ? readBlob(index) : nil
    }

    private func readText(_ index: Int) -> String {
        // Pointer first, then length: that order is what the SQLite docs require.
        guard let text = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let length = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)
    }

    private func readBlob(_ index: Int) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(handle, Int32(index)) else { return [] }
        let length = Int(sqlite3_column_bytes(handle, Int32(index)))
        return Array(UnsafeRawBufferPointer(start: bytes, count: length))
    }
}
