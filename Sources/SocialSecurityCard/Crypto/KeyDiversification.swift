import SSCardValues

/// Derives a card's own key from an issuer master key, so that one card's
/// key, if extracted, opens no other card.
///
/// Diversification data D is the right-most 8 bytes of the card
/// identification code (卡识别码 bytes 9-16, the part unique to the chip;
/// the first 8 bytes are region and provider, shared by many cards).
/// - 3DES: card key = 3DES(MK, D) ‖ 3DES(MK, ~D), a 16-byte 2-key 3DES key
///   (the PBOC method; ~ is bitwise complement).
/// - SM4: card key = SM4(MK, D ‖ ~D), one 16-byte block.
public enum KeyDiversification {
    /// D: the card identification code's right-most 8 bytes.
    public static func diversificationData(cardId: CardIdentificationCode) -> [UInt8] {
        // The code is validated as 32 hex digits, so decoding cannot fail.
        let bytes = Hex.decode(cardId.rawValue) ?? []
        return Array(bytes.suffix(8))
    }

    /// The card's key derived from `master`.
    public static func cardKey(master: [UInt8], algorithm: KeyAlgorithm,
                               cardId: CardIdentificationCode) throws(CryptoError) -> [UInt8] {
        try cardKey(master: master, algorithm: algorithm, data: diversificationData(cardId: cardId))
    }

    /// The card's key from diversification data D itself: what a PSAM
    /// computes from the D of its "initialise for diversification".
    public static func cardKey(master: [UInt8], algorithm: KeyAlgorithm, data: [UInt8]) throws(CryptoError) -> [UInt8] {
        let complement = data.map { ~$0 }
        switch algorithm {
        case .tripleDES:
            let cipher = try TripleDES(key: master)
            return cipher.encrypt(block: data) + cipher.encrypt(block: complement)
        case .sm4:
            return try SM4(key: master).encrypt(block: data + complement)
        }
    }
}
