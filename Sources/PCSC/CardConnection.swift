import CPCSCLite
import Foundation

/// A connection to the card in one reader.
///
/// Owns the `SCARDHANDLE`: `disconnect(_:)` ends it explicitly (choosing
/// what happens to the card), `deinit` leaves the card as a fallback. The
/// handle belongs to the context that made it; after a pcscd restart the
/// connection fails with a service-loss error and a new one must be made.
public final class CardConnection: CardChannel, @unchecked Sendable {
    public let reader: String
    public let atr: [UInt8]
    /// T=0 or T=1, as negotiated by the reader.
    public let activeProtocol: CardProtocols
    /// Keeps the context alive as long as the handle exists.
    private let context: PCSCContext
    private let lock = NSLock()
    private var handle: SCARDHANDLE?
    private var exchangeCount = 0

    /// Raw exchanges with the card so far, GET RESPONSE and resends
    /// included: what a benchmark counts as APDUs.
    public var exchanges: Int { lock.withLock { exchangeCount } }

    init(context: PCSCContext, handle contextHandle: SCARDCONTEXT, reader: String,
         share: ShareMode, protocols: CardProtocols) throws(PCSCError) {
        var card: SCARDHANDLE = 0
        var active: DWORD = 0
        let requested = share == .direct ? DWORD(0) : DWORD(protocols.rawValue)
        try PCSCError.check(SCardConnect(contextHandle, reader, share.rawValue, requested, &card, &active))
        self.context = context
        self.reader = reader
        self.handle = card
        self.activeProtocol = CardProtocols(rawValue: UInt(active))
        self.atr = share == .direct ? [] : ((try? Self.readATR(card)) ?? [])
    }

    deinit {
        if let handle { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) }
    }

    private static func readATR(_ card: SCARDHANDLE) throws(PCSCError) -> [UInt8] {
        var nameLength: DWORD = 0
        var state: DWORD = 0
        var proto: DWORD = 0
        var atr = [UInt8](repeating: 0, count: Int(MAX_ATR_SIZE))
        var atrLength = DWORD(atr.count)
        try PCSCError.check(SCardStatus(card, nil, &nameLength, &state, &proto, &atr, &atrLength))
        return Array(atr.prefix(Int(atrLength)))
    }

    private func liveHandle() throws(PCSCError) -> SCARDHANDLE {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { throw .invalidHandle }
        return handle
    }

    /// Ends the connection; `.leave` keeps the card powered for the next
    /// connection, `.reset` drops any PIN verification state on the card.
    public func disconnect(_ disposition: Disposition = .leave) {
        lock.lock()
        let handle = self.handle
        self.handle = nil
        lock.unlock()
        if let handle { SCardDisconnect(handle, disposition.rawValue) }
    }

    /// Sends bytes as they are and returns the raw response, status word
    /// included. No T=0 handling.
    public func transmitRaw(_ bytes: [UInt8]) throws(PCSCError) -> [UInt8] {
        let card = try liveHandle()
        lock.withLock { exchangeCount += 1 }
        var pci = activeProtocol == .t1 ? g_rgSCardT1Pci : g_rgSCardT0Pci
        var response = [UInt8](repeating: 0, count: Int(MAX_BUFFER_SIZE))
        var length = DWORD(response.count)
        let code = bytes.withUnsafeBufferPointer { send in
            SCardTransmit(card, &pci, send.baseAddress, DWORD(send.count), nil, &response, &length)
        }
        try PCSCError.check(code)
        return Array(response.prefix(Int(length)))
    }

    /// One command, with T=0 `61xx` / `6Cxx` exchanges resolved.
    public func transmit(_ command: CommandAPDU) throws(PCSCError) -> ResponseAPDU {
        try TransportExchange.resolve(command) { apdu throws(PCSCError) in
            guard let response = ResponseAPDU(bytes: try transmitRaw(apdu.bytes)) else {
                // Fewer than two bytes: the card stopped mid-reply.
                throw .commError
            }
            return response
        }
    }

    /// `SCardControl`: a reader escape, e.g. PIN pad commands.
    public func control(code: UInt32, _ input: [UInt8] = []) throws(PCSCError) -> [UInt8] {
        let card = try liveHandle()
        var output = [UInt8](repeating: 0, count: 512)
        var returned: DWORD = 0
        let code = input.withUnsafeBufferPointer { send in
            SCardControl(card, DWORD(code), send.baseAddress, DWORD(send.count),
                         &output, DWORD(output.count), &returned)
        }
        try PCSCError.check(code)
        return Array(output.prefix(Int(returned)))
    }

    /// The reader's PC/SC part 10 features; empty for readers without any
    /// (the virtual reader, most plain readers).
    public func readerFeatures() throws(PCSCError) -> ReaderFeatures {
        try probeFeatures().features
    }

    /// GET_FEATURE_REQUEST, tolerant of readers that answer it with an
    /// error (some SAM and contactless slots answer `SCARD_F_INTERNAL_ERROR`
    /// or `SCARD_E_NOT_TRANSACTED` instead of an empty list): such a reader
    /// has no PIN pad as far as we can tell, and the error is returned for
    /// the caller to log. Only a card or service that went away is thrown.
    public func probeFeatures() throws(PCSCError) -> (features: ReaderFeatures, refusal: PCSCError?) {
        do {
            let tlv = try control(code: ReaderFeatures.getFeatureRequest)
            return (ReaderFeatures(tlv: tlv) ?? ReaderFeatures(), nil)
        } catch where error == .unsupportedFeature || error == .invalidParameter || error == .notReady {
            return (ReaderFeatures(), nil)
        } catch where ReaderFeatures.endsTheSession(error) {
            throw error
        } catch {
            return (ReaderFeatures(), error)
        }
    }

    /// Starts a transaction: no other application can use the card until
    /// `endTransaction`. Used around VERIFY + the command it unlocks.
    public func beginTransaction() throws(PCSCError) {
        try PCSCError.check(SCardBeginTransaction(try liveHandle()))
    }

    public func endTransaction(_ disposition: Disposition = .leave) throws(PCSCError) {
        try PCSCError.check(SCardEndTransaction(try liveHandle(), disposition.rawValue))
    }
}
