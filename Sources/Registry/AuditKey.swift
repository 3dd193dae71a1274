/// The secret the audit chain's MACs are keyed with.
///
/// It comes from outside the database (a systemd credential, read by
/// sscardd at start), so someone who can write the database — the file, a
/// restored backup, a PostgreSQL superuser — cannot recompute the chain after
/// removing or rewriting entries. The bytes never leave this type: it has no
/// public accessor, and its description says only that it is a key, so it
/// cannot reach a log, an error or the trail by interpolation.
public struct AuditKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Shorter keys are refused: HMAC-SHA256's security rests on a key of at
    /// least the hash's length (RFC 2104, section 3).
    public static let minimumLength = 32

    /// The key as HMAC uses it (its padded blocks hashed); the raw bytes are not kept.
    private let prepared: HMACSHA256.Prepared
    private let length: Int

    /// Nil when `bytes` is shorter than `minimumLength`.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.minimumLength else { return nil }
        prepared = HMACSHA256.Prepared(key: bytes)
        length = bytes.count
    }

    /// HMAC-SHA256 of `message` under this key.
    public func mac(_ message: [UInt8]) -> [UInt8] { prepared.mac(message) }

    public var description: String { "AuditKey(\(length) bytes, not shown)" }
    public var debugDescription: String { description }
}
