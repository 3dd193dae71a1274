import SocialSecurityCard
import Testing

/// The PSAM command profile file: defaults, overrides, and errors that name the line.
struct PSAMProfileTests {
    @Test("an empty profile is the 80 1A / 80 FA defaults with sscard's usages and indices")
    func defaults() throws {
        let profile = try PSAMProfile(text: "# nothing set\n\n")
        #expect(profile == PSAMProfile())
        #expect(profile.initialise == (0x80, 0x1A))
        #expect(profile.computeMAC == (0x80, 0xFA, 0x05, 0x00))
        #expect(profile.slots[KeyReference(purpose: .reloadPIN, algorithm: .sm4)] == .init(usage: 0x27, index: 0x02))
        #expect(profile.slots.count == 6)
    }

    @Test("lines override the commands and single keys, keeping the other defaults")
    func overrides() throws {
        let profile = try PSAMProfile(text: """
            initialise = 84 1A   # the manual's CLA
            compute-mac = 80 FA 01 00
            unblockPIN.3des = 31 05
            """)
        #expect(profile.initialise == (0x84, 0x1A))
        #expect(profile.computeMAC == (0x80, 0xFA, 0x01, 0x00))
        #expect(profile.slots[KeyReference(purpose: .unblockPIN, algorithm: .tripleDES)] == .init(usage: 0x31, index: 0x05))
        #expect(profile.slots[KeyReference(purpose: .reloadPIN, algorithm: .tripleDES)] == .init(usage: 0x27, index: 0x01))
    }

    @Test("bad lines are refused naming the line", arguments: [
        ("initialise 80 1A", PSAMProfileError.malformedLine(line: 1)),
        ("\ncompute-mac = 80 FA 05", .wrongLength(line: 2, name: "compute-mac", expected: 4)),
        ("reloadPIN.sm4 = 2G 01", .invalidHex(line: 1)),
        ("reload.sm4 = 27 01", .unknownName(line: 1, name: "reload.sm4")),
        ("reloadPIN.sm4 = 27 01\nreloadPIN.sm4 = 27 02", .duplicate(line: 2, name: "reloadPIN.sm4")),
    ])
    func refused(text: String, error: PSAMProfileError) {
        #expect(throws: error) { try PSAMProfile(text: text) }
    }
}
