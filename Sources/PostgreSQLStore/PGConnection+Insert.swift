/// Bulk rows without one round trip each.
extension PGConnection {
    /// Inserts `rows` (each in the order of `columns`, a comma-separated list)
    /// with multi-row INSERTs of up to `rowsPerStatement` rows: one round trip
    /// a batch instead of one a row, and well under the protocol's 65,535
    /// parameters a statement. Used by the registry copy and the benchmark's
    /// bulk load; it runs in whatever transaction the caller has open.
    public func insert(_ rows: [[PGValue]], into table: String, columns: String,
                       rowsPerStatement: Int = 500) throws(PostgreSQLError) {
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(rows.count, start + rowsPerStatement)]
            var parameters: [PGValue] = []
            var tuples: [String] = []
            for row in batch {
                let first = parameters.count
                tuples.append("(" + (1...row.count).map { "$\(first + $0)" }.joined(separator: ", ") + ")")
                parameters += row
            }
            try query("INSERT INTO \(table) (\(columns)) VALUES \(tuples.joined(separator: ", "))", parameters)
            start += batch.count
        }
    }
}
