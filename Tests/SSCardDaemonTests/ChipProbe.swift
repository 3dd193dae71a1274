import PCSC
import SocialSecurityCard
import SSCardInterfaces
import SSCardRig

/// The test's own PC/SC client: looks at a card in the private pcscd the way
/// another local program could, outside sscardd, to see what sscardd left on
/// the chip.
enum ChipProbe {
    /// Runs `body` on a fresh shared connection to `reader`, leaving the card as it is.
    static func withCard<T>(_ reader: String = PCSCRig.reader0,
                            _ body: (SocialSecurityApplication, CardConnection) throws -> T) throws -> T {
        let context = try PCSCContext()
        defer { context.release() }
        let connection = try context.connect(reader: reader, share: .shared)
        defer { connection.disconnect(.leave) }
        return try body(SocialSecurityApplication(channel: connection), connection)
    }

    /// Whether the holder's PIN is `pin` on the chip (spends a try if not).
    static func pinIs(_ pin: String, reader: String = PCSCRig.reader0) throws -> PINVerification {
        try withCard(reader) { application, _ in try application.verifyPIN(try PIN(pin)) }
    }

    /// The status word of an empty VERIFY after SELECT SSSE, sent first on a
    /// new connection: `9000` while the chip is still verified from an earlier
    /// session, `63Cx` once it has been reset.
    static func securityStatus(reader: String = PCSCRig.reader0) throws -> StatusWord {
        try withCard(reader) { application, connection in
            try application.select()
            return try connection.transmit(CommandAPDU(cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x00)).statusWord
        }
    }

    /// The status word of reading the holder's data (EF06, the social
    /// security number): `9000`, or `6A81` while the application is blocked.
    static func holderDataStatus(reader: String = PCSCRig.reader0) throws -> StatusWord {
        try withCard(reader) { application, _ in
            try application.select()
            return try application.readRecord(.ssn).statusWord
        }
    }

    /// PIN tries left, read with an empty VERIFY on a chip that is not verified.
    static func triesLeft(reader: String = PCSCRig.reader0) throws -> Int? {
        try securityStatus(reader: reader).triesLeft
    }
}
