/// A reader with a PIN pad: the holder types the PIN on the reader, which
/// builds the APDU itself, so the PIN never passes through sscard.
public struct PINPad: Sendable {
    public let connection: CardConnection
    public let features: ReaderFeatures

    /// Nil when the reader has no `FEATURE_VERIFY_PIN_DIRECT`.
    public init?(connection: CardConnection) throws(PCSCError) {
        self.init(connection: connection, features: try connection.readerFeatures())
    }

    /// Nil when `features` (from `CardConnection.probeFeatures`) has no PIN verify.
    public init?(connection: CardConnection, features: ReaderFeatures) {
        guard features.hasPINPad else { return nil }
        self.connection = connection
        self.features = features
    }

    /// Lets the holder enter the PIN for VERIFY; returns the card's answer
    /// (`9000`, `63Cx`, `6983`).
    public func verify(_ structure: PINVerifyStructure = PINVerifyStructure()) throws(PCSCError) -> ResponseAPDU {
        guard let code = features.verifyPINDirect else { throw .unsupportedFeature }
        return try answer(connection.control(code: code, structure.bytes))
    }

    /// Lets the holder enter the current and new PIN for CHANGE PIN.
    public func modify(_ structure: PINModifyStructure = PINModifyStructure()) throws(PCSCError) -> ResponseAPDU {
        guard let code = features.modifyPINDirect else { throw .unsupportedFeature }
        return try answer(connection.control(code: code, structure.bytes))
    }

    private func answer(_ bytes: [UInt8]) throws(PCSCError) -> ResponseAPDU {
        guard let response = ResponseAPDU(bytes: bytes) else { throw .commError }
        return response
    }
}
