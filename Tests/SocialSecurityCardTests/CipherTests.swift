import Testing
import SSCardValues
@testable import SocialSecurityCard

private func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex)! }

@Suite struct TripleDESTests {
    /// The textbook DES example (key 133457799BBCDFF1); a 3DES key with three
    /// equal parts is single DES, which reaches the DES core on its own.
    @Test func singleDESKnownAnswer() throws {
        let cipher = try TripleDES(key: bytes("133457799BBCDFF1133457799BBCDFF1"))
        #expect(Hex.encode(cipher.encrypt(block: bytes("0123456789ABCDEF"))) == "85E813540F0AB405")
        #expect(Hex.encode(cipher.decrypt(block: bytes("85E813540F0AB405"))) == "0123456789ABCDEF")
    }

    /// NIST SP 800-67 example: three-key TDEA over "The qufck brown fox jump".
    @Test func threeKeyNISTExample() throws {
        let cipher = try TripleDES(key: bytes("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123"))
        let plain = Array("The qufck brown fox jump".utf8)
        let expected = "A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900"
        #expect(Hex.encode(cipher.encrypt(blocks: plain)) == expected)
        #expect(cipher.decrypt(blocks: bytes(expected)) == plain)
    }

    /// Two-key and three-key answers computed independently with Python's
    /// `cryptography` (OpenSSL) for these inputs.
    @Test(arguments: [
        ("0123456789ABCDEFFEDCBA9876543210", "D80A0D8B2BAE5E4E"),
        ("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123", "314F8327FA7A09A8"),
    ])
    func independentAnswers(key: String, expected: String) throws {
        let cipher = try TripleDES(key: bytes(key))
        #expect(Hex.encode(cipher.encrypt(block: bytes("4E6F772069732074"))) == expected)
        #expect(Hex.encode(cipher.decrypt(block: bytes(expected))) == "4E6F772069732074")
    }

    @Test(arguments: [0, 8, 15, 17, 32])
    func rejectsKeyLengths(_ count: Int) {
        #expect(throws: CryptoError.wrongKeyLength(algorithm: .tripleDES, expected: "16 or 24", actual: count)) {
            try TripleDES(key: [UInt8](repeating: 1, count: count))
        }
    }
}

@Suite struct SM4Tests {
    static let standardKey = bytes("0123456789ABCDEFFEDCBA9876543210")

    /// GB/T 32907-2016 example 1: key = plaintext.
    @Test func standardExample() throws {
        let cipher = try SM4(key: Self.standardKey)
        #expect(Hex.encode(cipher.encrypt(block: Self.standardKey)) == "681EDF34D206965E86B3E94F536E4246")
        #expect(cipher.decrypt(block: bytes("681EDF34D206965E86B3E94F536E4246")) == Self.standardKey)
    }

    /// GB/T 32907-2016 example 2: the plaintext encrypted 1,000,000 times.
    /// Runs on the word form to stay within a few seconds in debug builds.
    @Test func millionIterations() throws {
        let cipher = try SM4(key: Self.standardKey)
        var state = SM4.words(Self.standardKey)
        for _ in 0..<1_000_000 { state = cipher.crypt(state, reversed: false) }
        #expect(Hex.encode(SM4.bytes(state)) == "595298C7C6FD271F0402F804C33D3F66")
    }

    /// 10,000 iterations through the public byte API, checked against
    /// Python's `cryptography`.
    @Test func tenThousandIterationsPublicAPI() throws {
        let cipher = try SM4(key: Self.standardKey)
        var block = Self.standardKey
        for _ in 0..<10_000 { block = cipher.encrypt(block: block) }
        #expect(Hex.encode(block) == "2D8BFC27381C68ECB316320EE72BA074")
        for _ in 0..<10_000 { block = cipher.decrypt(block: block) }
        #expect(block == Self.standardKey)
    }

    @Test func sBoxIsAPermutation() {
        #expect(Set(SM4.sBox).count == 256)
        #expect(SM4.ck[0] == 0x00070E15 && SM4.ck[31] == 0x646B7279)
    }

    @Test(arguments: [0, 8, 15, 24])
    func rejectsKeyLengths(_ count: Int) {
        #expect(throws: CryptoError.wrongKeyLength(algorithm: .sm4, expected: "16", actual: count)) {
            try SM4(key: [UInt8](repeating: 1, count: count))
        }
    }
}
