#if canImport(Glibc)
import Glibc
#endif

/// Bytes that must not outlive their use: a PIN's digits, an issuer's
/// master key.
///
/// Swift arrays are copied freely and freed without being cleared, so a PIN
/// held in one can linger in freed heap memory, where a core file or a
/// debugger of the same uid would find it. These bytes live in one
/// allocation of their own, never copied by the type itself, cleared with
/// `explicit_bzero` (which the optimiser may not remove) when the last
/// reference goes. Immutable after `init`, hence shareable across threads.
///
/// What this cannot cover is listed in docs/security.md: the JSON text a PIN
/// arrived in, Swift `String`s, and the APDU and MAC buffers built from
/// these bytes, which are ordinary arrays.
public final class SecretBytes: @unchecked Sendable, Equatable {
    private let storage: UnsafeMutableBufferPointer<UInt8>

    /// Copies `bytes` in and clears the caller's array.
    public init(consuming bytes: inout [UInt8]) {
        storage = .allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { explicit_bzero(base, raw.count) }
        }
        bytes.removeAll()
    }

    deinit {
        if let base = storage.baseAddress { explicit_bzero(base, storage.count) }
        storage.deallocate()
    }

    public var count: Int { storage.count }

    /// Lends the bytes for the duration of `body`; the pointer must not escape it.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(storage))
    }

    /// The bytes as an ordinary array, for APIs that need one. The copy is the
    /// caller's to clear (`SecretBytes.clear`).
    public func copied() -> [UInt8] { Array(storage) }

    /// Clears an array that held secret bytes.
    public static func clear(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { explicit_bzero(base, raw.count) }
        }
    }

    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        lhs.count == rhs.count && zip(lhs.storage, rhs.storage).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
