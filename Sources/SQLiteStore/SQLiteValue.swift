/// One SQLite value, the unit of binding and reading. Literals are accepted so
/// parameter lists read naturally: `["X00000019", 3, nil]`.
public enum SQLiteValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    /// Booleans are stored as 0/1, SQLite's own convention.
    public init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}
