import SSCardValues

/// A card status in about 90 bytes and no heap allocation (holder names up to
/// 15 UTF-8 bytes, five Chinese characters, stay inline), so that a cache of
/// a million cards costs about 140 MB instead of the ~450 MB of plain
/// `CardStatus` values with their separately allocated strings.
///
/// The chip's 32 hex digits are kept as 16 bytes and the social security
/// number as its 17 digits plus the check character; both are rebuilt exactly,
/// because the registry stores them normalised (upper case). A value that does
/// not fit that shape is simply not packed, and not cached.
struct PackedCardStatus: Sendable {
    private var chipHigh: UInt64
    private var chipLow: UInt64
    private var ssnDigits: UInt64
    private var ssnCheck: UInt8
    private var state: UInt8
    private var previousState: UInt8        // 0xFF: none
    private var electronicCredential: UInt8 // 0, 1, or 0xFF: none
    private var generation: UInt8           // 0: none
    private var bankFunction: UInt8
    private var chipBlocked: Bool
    private var applicationId: Int64        // Int64.min: none
    private var lossDeadline: Int64         // Int64.min: none
    private var updatedAt: Int64
    private var replacedBy: CardNumber?
    private var holderName: HolderName

    private static let states = CardState.allCases
    private static let bankFunctions = BankFunction.allCases

    init?(_ status: CardStatus) {
        let card = status.card
        guard let chip = Self.packHex(card.cardId.rawValue),
              let ssn = Self.packSSN(card.ssn.rawValue),
              let state = Self.states.firstIndex(of: card.state),
              let bankFunction = Self.bankFunctions.firstIndex(of: card.bankFunction),
              (card.generation ?? 0) >= 0, (card.generation ?? 0) <= 255 else { return nil }
        (chipHigh, chipLow) = chip
        (ssnDigits, ssnCheck) = ssn
        self.state = UInt8(state)
        previousState = card.previousState.flatMap { Self.states.firstIndex(of: $0) }.map(UInt8.init) ?? 0xFF
        electronicCredential = card.electronicCredentialContinues.map { $0 ? 1 : 0 } ?? 0xFF
        generation = UInt8(card.generation ?? 0)
        self.bankFunction = UInt8(bankFunction)
        chipBlocked = card.chipBlocked
        applicationId = card.applicationId ?? .min
        lossDeadline = card.lossDeadline?.milliseconds ?? .min
        updatedAt = card.updatedAt.milliseconds
        replacedBy = card.replacedBy
        holderName = status.holderName
    }

    func status(_ number: CardNumber) -> CardStatus {
        let card = CardRecord(
            cardNumber: number,
            cardId: CardIdentificationCode(storedValue: Self.unpackHex(chipHigh, chipLow)),
            ssn: SocialSecurityNumber(storedValue: Self.unpackSSN(ssnDigits, ssnCheck)),
            applicationId: applicationId == .min ? nil : applicationId,
            state: Self.states[Int(state)],
            previousState: previousState == 0xFF ? nil : Self.states[Int(previousState)],
            lossDeadline: lossDeadline == .min ? nil : Timestamp(milliseconds: lossDeadline),
            electronicCredentialContinues: electronicCredential == 0xFF ? nil : electronicCredential == 1,
            replacedBy: replacedBy,
            generation: generation == 0 ? nil : Int(generation),
            bankFunction: Self.bankFunctions[Int(bankFunction)],
            chipBlocked: chipBlocked,
            updatedAt: Timestamp(milliseconds: updatedAt))
        return CardStatus(card: card, holderName: holderName)
    }

    /// The same status with the card's record replaced, the holder's name kept.
    func updating(_ card: CardRecord) -> PackedCardStatus? {
        PackedCardStatus(CardStatus(card: card, holderName: holderName))
    }

    // MARK: Packing

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func packHex(_ text: String) -> (UInt64, UInt64)? {
        var utf8 = text.utf8.makeIterator()
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<32 {
            guard let byte = utf8.next(), let digit = hexDigits.firstIndex(of: byte) else { return nil }
            if index < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
        }
        return utf8.next() == nil ? (high, low) : nil
    }

    private static func unpackHex(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<16 {
                buffer[index] = hexDigits[Int(high >> UInt64(60 - 4 * index) & 0xF)]
                buffer[16 + index] = hexDigits[Int(low >> UInt64(60 - 4 * index) & 0xF)]
            }
            return 32
        }
    }

    private static func packSSN(_ text: String) -> (UInt64, UInt8)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 18 else { return nil }
        var digits: UInt64 = 0
        for byte in bytes[..<17] {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return (digits, bytes[17])
    }

    private static func unpackSSN(_ digits: UInt64, _ check: UInt8) -> String {
        String(unsafeUninitializedCapacity: 18) { buffer in
            var rest = digits
            for index in stride(from: 16, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            buffer[17] = check
            return 18
        }
    }
}
