import Testing
import SSCardValues
@testable import SocialSecurityCard

private func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex)! }

/// Expected values were computed independently with Python's `cryptography`
/// (single-DES CBC then D(K2), E(K1) for the retail MAC; SM4-CBC for SM4).
@Suite struct PBOCMACTests {
    static let key = bytes("0123456789ABCDEFFEDCBA9876543210")

    @Test func paddingAlwaysAppends80() {
        #expect(PBOCMAC.pad([], blockSize: 8) == bytes("8000000000000000"))
        #expect(PBOCMAC.pad(bytes("0102030405060708"), blockSize: 8) == bytes("01020304050607088000000000000000"))
        #expect(PBOCMAC.pad(bytes("01020304050607"), blockSize: 8) == bytes("0102030405060780"))
        #expect(PBOCMAC.pad(bytes("01"), blockSize: 16).count == 16)
    }

    @Test func initialVectorPadsTheChallenge() throws {
        #expect(try PBOCMAC.initialVector(challenge: bytes("1A2B3C4D"), algorithm: .tripleDES) == bytes("1A2B3C4D00000000"))
        #expect(try PBOCMAC.initialVector(challenge: bytes("0102030405060708"), algorithm: .sm4)
                == bytes("01020304050607080000000000000000"))
        #expect(throws: CryptoError.wrongChallengeLength(algorithm: .tripleDES, actual: 3)) {
            try PBOCMAC.initialVector(challenge: [1, 2, 3], algorithm: .tripleDES)
        }
        #expect(throws: CryptoError.wrongChallengeLength(algorithm: .tripleDES, actual: 16)) {
            try PBOCMAC.initialVector(challenge: [UInt8](repeating: 0, count: 16), algorithm: .tripleDES)
        }
    }

    @Test(arguments: [
        ("805E000007123456", "8A5759D5053B41D2"),
        ("8424000004", "4AE6A1C60C928D39"),
        ("000102030405060708090A0B0C0D0E0F10111213", "EF8CE243A8674255"),
    ])
    func retailMAC(message: String, expected: String) throws {
        let full = try PBOCMAC.finalBlock(message: bytes(message), key: Self.key, algorithm: .tripleDES,
                                          challenge: bytes("1A2B3C4D"))
        #expect(Hex.encode(full) == expected)
        let mac = try PBOCMAC.compute(message: bytes(message), key: Self.key, algorithm: .tripleDES,
                                      challenge: bytes("1A2B3C4D"))
        #expect(Hex.encode(mac) == String(expected.prefix(8)))
    }

    @Test(arguments: [
        ("805E000007123456", "FA7AE6D269748DDE0369F09BB0210F42"),
        (Hex.encode(Array(0..<40)), "93FA38E80230231D7AC54D3FE9BCC7C4"),
    ])
    func sm4MAC(message: String, expected: String) throws {
        let full = try PBOCMAC.finalBlock(message: bytes(message), key: Self.key, algorithm: .sm4,
                                          challenge: bytes("0102030405060708"))
        #expect(Hex.encode(full) == expected)
    }

    @Test func macDependsOnEveryInput() throws {
        let base = try PBOCMAC.compute(message: bytes("8424000004"), key: Self.key, algorithm: .tripleDES,
                                       challenge: bytes("1A2B3C4D"))
        let otherChallenge = try PBOCMAC.compute(message: bytes("8424000004"), key: Self.key, algorithm: .tripleDES,
                                                 challenge: bytes("1A2B3C4E"))
        let otherMessage = try PBOCMAC.compute(message: bytes("8424000104"), key: Self.key, algorithm: .tripleDES,
                                               challenge: bytes("1A2B3C4D"))
        #expect(base.count == 4)
        #expect(base != otherChallenge && base != otherMessage)
    }
}

@Suite struct KeyDiversificationTests {
    static let cardId = try! CardIdentificationCode("639900D15600000500BF7C7A48FB4966")
    static let master = bytes("0123456789ABCDEFFEDCBA9876543210")

    @Test func usesTheRightmostEightBytes() {
        #expect(Hex.encode(KeyDiversification.diversificationData(cardId: Self.cardId)) == "00BF7C7A48FB4966")
    }

    @Test func tripleDESCardKey() throws {
        let key = try KeyDiversification.cardKey(master: Self.master, algorithm: .tripleDES, cardId: Self.cardId)
        #expect(Hex.encode(key) == "460AC9566750F81B315D3E6F0BE6CCA2")
        let mac = try PBOCMAC.compute(message: bytes("805E000007123456"), key: key, algorithm: .tripleDES,
                                      challenge: bytes("1A2B3C4D"))
        #expect(Hex.encode(mac) == "4A18A484")
    }

    @Test func sm4CardKey() throws {
        let key = try KeyDiversification.cardKey(master: Self.master, algorithm: .sm4, cardId: Self.cardId)
        #expect(Hex.encode(key) == "D10CD5BAA5506D91966DDDA4AA09869D")
    }

    @Test func algorithmMapping() {
        #expect(KeyAlgorithm(algorithmID: 0x00) == .tripleDES)
        #expect(KeyAlgorithm(algorithmID: 0x04) == .sm4)
        #expect(KeyAlgorithm(algorithmID: 0x01) == nil)
        #expect(KeyAlgorithm(generation: 1) == .tripleDES && KeyAlgorithm(generation: 2) == .tripleDES)
        #expect(KeyAlgorithm(generation: 3) == .sm4)
        #expect(KeyAlgorithm.allCases.allSatisfy { KeyAlgorithm(algorithmID: $0.algorithmID) == $0 })
    }
}
