/// Triple DES (TDEA, NIST SP 800-67): encrypt with K1, decrypt with K2,
/// encrypt with K3. A 16-byte key is the two-key form (K3 = K1), which is
/// what PBOC-style cards and PSAMs use; 24 bytes is the three-key form.
public struct TripleDES: BlockCipher {
    public var blockSize: Int { 8 }

    let first: DES
    let second: DES
    let third: DES

    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == 16 || key.count == 24 else {
            throw .wrongKeyLength(algorithm: .tripleDES, expected: "16 or 24", actual: key.count)
        }
        first = DES(key: Array(key[0..<8]))
        second = DES(key: Array(key[8..<16]))
        third = key.count == 24 ? DES(key: Array(key[16..<24])) : first
    }

    public func encrypt(block: [UInt8]) -> [UInt8] {
        precondition(block.count == 8, "a 3DES block is 8 bytes")
        return DES.store(encrypt(DES.load(block)))
    }

    public func decrypt(block: [UInt8]) -> [UInt8] {
        precondition(block.count == 8, "a 3DES block is 8 bytes")
        return DES.store(decrypt(DES.load(block)))
    }

    func encrypt(_ block: UInt64) -> UInt64 {
        third.encrypt(second.decrypt(first.encrypt(block)))
    }

    func decrypt(_ block: UInt64) -> UInt64 {
        first.decrypt(second.encrypt(third.decrypt(block)))
    }
}
