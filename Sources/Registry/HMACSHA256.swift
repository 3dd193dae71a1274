/// HMAC-SHA256 (RFC 2104 with FIPS 180-4's SHA-256), for the keyed audit chain.
///
/// Built on the project's own `SHA256` because the package takes no
/// dependencies and Foundation on Linux has no MAC API. Tested against the
/// RFC 4231 vectors (`HMACSHA256Tests`).
public struct HMACSHA256 {
    private static let blockSize = 64
    private var inner: SHA256
    private var outerPad: [UInt8]

    /// Starts a MAC under `key`. A key longer than the block is hashed first (RFC 2104, section 2).
    public init(key: [UInt8]) {
        var block = key.count > Self.blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: Self.blockSize - block.count)
        inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outerPad = block.map { $0 ^ 0x5c }
        // The padded key is not needed past this point; overwrite our copy.
        for index in block.indices { block[index] = 0 }
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        inner.update(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        var outer = SHA256()
        outer.update(outerPad)
        outer.update(inner.finalize())
        for index in outerPad.indices { outerPad[index] = 0 }
        return outer.finalize()
    }

    /// A key with its padded blocks already hashed: the two compressions of
    /// the pads are done once per key instead of once per message, which is a
    /// third of the work for an audit entry's MAC.
    public struct Prepared: Sendable {
        private let inner: SHA256
        private let outer: SHA256

        public init(key: [UInt8]) {
            var block = key.count > HMACSHA256.blockSize ? SHA256.hash(key) : key
            block += [UInt8](repeating: 0, count: HMACSHA256.blockSize - block.count)
            var inner = SHA256()
            inner.update(block.map { $0 ^ 0x36 })
            var outer = SHA256()
            outer.update(block.map { $0 ^ 0x5c })
            for index in block.indices { block[index] = 0 }
            self.inner = inner
            self.outer = outer
        }

        public func mac<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
            var inner = self.inner
            inner.update(bytes)
            var outer = self.outer
            outer.update(inner.finalize())
            return outer.finalize()
        }
    }

    public static func mac<Bytes: Sequence>(key: [UInt8], _ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hmac = HMACSHA256(key: key)
        hmac.update(bytes)
        return hmac.finalize()
    }

    /// Compares two MACs in time that does not depend on where they first differ.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
