import Testing
import PCSC
import SSCardValues
@testable import SocialSecurityCard

private func bytes(_ hex: String) -> [UInt8] { Hex.decode(hex)! }

@Suite struct SoftwareSecurityModuleTests {
    static let cardId = try! CardIdentificationCode("639900D15600000500BF7C7A48FB4966")
    static let keyFile = """
        # test keys
        reloadPIN.3des = 0123456789ABCDEF FEDCBA9876543210

        unblockPIN.sm4 = 0123456789ABCDEFFEDCBA9876543210\r
        applicationMaintenance.3des = 00112233445566778899AABBCCDDEEFF0011223344556677
        """

    @Test func loadsKeysAndNamesThemWithoutBytes() throws {
        let module = try SoftwareSecurityModule(keyFile: Self.keyFile)
        #expect(module.loadedKeys.map(\.description)
                == ["applicationMaintenance.3des", "reloadPIN.3des", "unblockPIN.sm4"])
        let shown = module.description + String(reflecting: module) + "\(Mirror(reflecting: module).children.map(\.value))"
        #expect(!shown.contains("0123456789ABCDEF") && !shown.contains("1, 35, 69"))
    }

    /// The MAC equals the diversified-key MAC computed independently in
    /// `KeyDiversificationTests` (Python `cryptography`).
    @Test func macsWithTheDiversifiedKey() throws {
        let module = try SoftwareSecurityModule(keyFile: Self.keyFile)
        let request = MACRequest(purpose: .reloadPIN, algorithm: .tripleDES, cardId: Self.cardId,
                                 challenge: bytes("1A2B3C4D"), cla: 0x80, ins: 0x5E, p1: 0, p2: 0,
                                 dataBeforeMAC: bytes("123456"))
        #expect(request.message == bytes("805E000007123456"))
        #expect(Hex.encode(try module.mac(for: request)) == "4A18A484")
        var dumped = ""
        dump(request, to: &dumped)
        for text in [request.description, String(reflecting: request), dumped] {
            // 0x56 (the PIN's last byte) would show as 86 in a dump of the message.
            #expect(!text.contains("123456") && !text.contains("86"))
        }
    }

    @Test func verifiesReceivedCommands() throws {
        let module = try SoftwareSecurityModule(keyFile: Self.keyFile)
        let good = CommandAPDU(cla: 0x80, ins: 0x5E, p1: 0, p2: 0, data: bytes("1234564A18A484"))
        #expect(try module.verify(good, purpose: .reloadPIN, algorithm: .tripleDES,
                                  cardId: Self.cardId, challenge: bytes("1A2B3C4D")))
        var bad = good
        bad.data[6] ^= 1
        #expect(try !module.verify(bad, purpose: .reloadPIN, algorithm: .tripleDES,
                                   cardId: Self.cardId, challenge: bytes("1A2B3C4D")))
        #expect(try !module.verify(good, purpose: .reloadPIN, algorithm: .tripleDES,
                                   cardId: Self.cardId, challenge: bytes("1A2B3C4E")))
        let short = CommandAPDU(cla: 0x84, ins: 0x24, p1: 0, p2: 0, data: [1, 2, 3])
        #expect(try !module.verify(short, purpose: .unblockPIN, algorithm: .sm4,
                                   cardId: Self.cardId, challenge: bytes("0102030405060708")))
    }

    @Test func sm4RoundTrip() throws {
        let module = try SoftwareSecurityModule(keyFile: Self.keyFile)
        let request = MACRequest(purpose: .unblockPIN, algorithm: .sm4, cardId: Self.cardId,
                                 challenge: bytes("0102030405060708"), cla: 0x84, ins: 0x24, p1: 0, p2: 0,
                                 dataBeforeMAC: [])
        #expect(request.message == bytes("8424000004"))
        let mac = try module.mac(for: request)
        let command = CommandAPDU(cla: 0x84, ins: 0x24, p1: 0, p2: 0, data: mac)
        #expect(try module.verify(command, purpose: .unblockPIN, algorithm: .sm4,
                                  cardId: Self.cardId, challenge: bytes("0102030405060708")))
    }

    @Test func missingKeyIsTyped() throws {
        let module = try SoftwareSecurityModule(keyFile: Self.keyFile)
        let request = MACRequest(purpose: .reloadPIN, algorithm: .sm4, cardId: Self.cardId,
                                 challenge: bytes("0102030405060708"), cla: 0x80, ins: 0x5E, p1: 0, p2: 0,
                                 dataBeforeMAC: [0x12])
        #expect(throws: SecurityModuleError.keyNotLoaded(KeyReference(purpose: .reloadPIN, algorithm: .sm4))) {
            try module.mac(for: request)
        }
    }

    @Test func badChallengeIsTyped() throws {
        let module = try SoftwareSecurityModule(keyFile: Self.keyFile)
        let request = MACRequest(purpose: .reloadPIN, algorithm: .tripleDES, cardId: Self.cardId,
                                 challenge: [1, 2], cla: 0x80, ins: 0x5E, p1: 0, p2: 0, dataBeforeMAC: [0x12])
        #expect(throws: SecurityModuleError.crypto(.wrongChallengeLength(algorithm: .tripleDES, actual: 2))) {
            try module.mac(for: request)
        }
    }

    @Test(arguments: [
        ("reloadPIN.3des 0123", KeyFileError.malformedLine(line: 1)),
        ("# c\nreloadPIN.3des =", .malformedLine(line: 2)),
        ("reloadPin.3des = 00", .unknownKeyName(line: 1, name: "reloadPin.3des")),
        ("reloadPIN.aes = 00", .unknownKeyName(line: 1, name: "reloadPIN.aes")),
        ("\n\nunblockPIN.sm4 = 0123456789ABCDEFFEDCBA987654321G", .invalidHex(line: 3)),
        ("unblockPIN.sm4 = 0123456789ABCDEFFEDCBA98765432", .wrongKeyLength(line: 1, key: KeyReference(purpose: .unblockPIN, algorithm: .sm4), actual: 15)),
        ("reloadPIN.3des = 0123456789ABCDEF", .wrongKeyLength(line: 1, key: KeyReference(purpose: .reloadPIN, algorithm: .tripleDES), actual: 8)),
        ("reloadPIN.3des = 0123456789ABCDEFFEDCBA9876543210\nreloadPIN.3des = 0123456789ABCDEFFEDCBA9876543211",
         .duplicateKey(line: 2, key: KeyReference(purpose: .reloadPIN, algorithm: .tripleDES))),
    ])
    func rejectsBadKeyFiles(text: String, error: KeyFileError) {
        #expect(throws: error) { try SoftwareSecurityModule(keyFile: text) }
    }

    @Test func keyFileErrorsNeverShowKeyBytes() {
        do {
            _ = try SoftwareSecurityModule(keyFile: "reloadPIN.3des = 0123456789ABCDEF")
            Issue.record("accepted an 8-byte 3DES key")
        } catch {
            #expect(!error.description.contains("0123456789ABCDEF"))
            #expect(error.description.contains("line 1"))
        }
    }

    @Test func unreadableFile() {
        #expect(throws: KeyFileError.unreadable(path: "/nonexistent/sscard.keys")) {
            try SoftwareSecurityModule(contentsOfFile: "/nonexistent/sscard.keys")
        }
    }
}
