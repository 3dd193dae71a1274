/// A keyed block cipher as the card's MAC and key diversification use it:
/// single blocks in electronic-codebook form, nothing else.
///
/// Chaining and padding live in `PBOCMAC`, so that both ciphers share one
/// definition of the MAC and the virtual card can verify with the same code.
public protocol BlockCipher: Sendable {
    /// Bytes per block: 8 for DES and 3DES, 16 for SM4.
    var blockSize: Int { get }

    /// Encrypts exactly one block. A block of another size is a programming
    /// error, not bad input from a card, and stops the program.
    func encrypt(block: [UInt8]) -> [UInt8]

    /// Decrypts exactly one block.
    func decrypt(block: [UInt8]) -> [UInt8]
}

extension BlockCipher {
    /// ECB over a whole number of blocks; used by key diversification and
    /// by tests against published ECB vectors.
    public func encrypt(blocks data: [UInt8]) -> [UInt8] {
        precondition(data.count % blockSize == 0, "ECB input must be whole blocks")
        var out = [UInt8]()
        out.reserveCapacity(data.count)
        var start = 0
        while start < data.count {
            out += encrypt(block: Array(data[start..<start + blockSize]))
            start += blockSize
        }
        return out
    }

    /// ECB decryption over a whole number of blocks.
    public func decrypt(blocks data: [UInt8]) -> [UInt8] {
        precondition(data.count % blockSize == 0, "ECB input must be whole blocks")
        var out = [UInt8]()
        out.reserveCapacity(data.count)
        var start = 0
        while start < data.count {
            out += decrypt(block: Array(data[start..<start + blockSize]))
            start += blockSize
        }
        return out
    }
}
