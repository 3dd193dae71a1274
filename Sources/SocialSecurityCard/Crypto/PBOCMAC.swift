/// The 4-byte MAC that protects card-maintenance commands (PIN reload, PIN
/// unblock, application block/unblock), in the PBOC style the social
/// security card COS follows.
///
/// Definition, shared by sscard and its virtual card:
/// 1. Padding: append `80`, then `00` until the length is a multiple of the
///    block size (ISO 9797-1 padding method 2; `80` is always appended).
/// 2. Initial vector: the card's GET CHALLENGE bytes followed by zeros up to
///    the block size (3DES: 4-byte challenge + `00 00 00 00`; SM4: 8-byte
///    challenge + eight `00`).
/// 3. Chaining:
///    - 3DES (ISO 9797-1 MAC algorithm 3, the "retail MAC"): CBC with single
///      DES under the key's first 8 bytes, and the last block with the full
///      3DES key. For a 2-key key that is exactly "decrypt with K2, encrypt
///      with K1" after the single-DES chain.
///    - SM4: plain CBC-MAC (ISO 9797-1 MAC algorithm 1) under SM4.
/// 4. The MAC is the first 4 bytes of the final block.
public enum PBOCMAC {
    /// Bytes of MAC appended to a command.
    public static let length = 4

    /// ISO 9797-1 padding method 2.
    public static func pad(_ message: [UInt8], blockSize: Int) -> [UInt8] {
        var padded = message + [0x80]
        while padded.count % blockSize != 0 { padded.append(0x00) }
        return padded
    }

    /// The initial vector built from a card challenge. A challenge must be
    /// 4 or 8 bytes (or 16 for SM4): any other length means the card or the
    /// caller sent garbage, and a short IV would weaken the MAC.
    public static func initialVector(challenge: [UInt8], algorithm: KeyAlgorithm) throws(CryptoError) -> [UInt8] {
        guard [4, 8].contains(challenge.count) || challenge.count == algorithm.blockSize else {
            throw .wrongChallengeLength(algorithm: algorithm, actual: challenge.count)
        }
        return challenge + [UInt8](repeating: 0, count: algorithm.blockSize - challenge.count)
    }

    /// The 4-byte MAC of `message` under `key` (already diversified for the card).
    public static func compute(message: [UInt8], key: [UInt8], algorithm: KeyAlgorithm,
                               challenge: [UInt8]) throws(CryptoError) -> [UInt8] {
        Array(try finalBlock(message: message, key: key, algorithm: algorithm, challenge: challenge).prefix(length))
    }

    /// The whole last chaining block, before truncation to 4 bytes.
    public static func finalBlock(message: [UInt8], key: [UInt8], algorithm: KeyAlgorithm,
                                  challenge: [UInt8]) throws(CryptoError) -> [UInt8] {
        let iv = try initialVector(challenge: challenge, algorithm: algorithm)
        return try chain(padded: pad(message, blockSize: algorithm.blockSize), key: key, algorithm: algorithm, iv: iv)
    }

    /// Steps 3 and 4's chaining over an already padded message from `iv`:
    /// what a PSAM does with the IV and padded message of its "compute MAC".
    public static func chain(padded: [UInt8], key: [UInt8], algorithm: KeyAlgorithm,
                             iv: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard iv.count == algorithm.blockSize, !padded.isEmpty, padded.count % algorithm.blockSize == 0 else {
            throw .wrongChallengeLength(algorithm: algorithm, actual: iv.count)
        }
        switch algorithm {
        case .tripleDES:
            let full = try TripleDES(key: key)
            let chain = full.first
            var state = DES.load(iv)
            let blocks = padded.count / 8
            for index in 0..<blocks {
                let block = DES.load(Array(padded[index * 8..<index * 8 + 8]))
                state = index == blocks - 1 ? full.encrypt(state ^ block) : chain.encrypt(state ^ block)
            }
            return DES.store(state)
        case .sm4:
            let cipher = try SM4(key: key)
            var state = iv
            var start = 0
            while start < padded.count {
                let block = zip(state, padded[start..<start + 16]).map { $0 ^ $1 }
                state = cipher.encrypt(block: block)
                start += 16
            }
            return state
        }
    }
}
