/// Resolves the T=0 transport status words into one response.
///
/// `61xx` means xx bytes wait for GET RESPONSE (`00 C0 00 00 xx`), possibly
/// followed by another `61xx`; `6Cxx` means the Le was wrong and the same
/// command must be sent again with Le = xx. Some T=1 cards answer the same
/// way, so this runs for both protocols. Separated from `CardConnection`
/// so it can be tested against a scripted card.
public enum TransportExchange {
    /// Upper bound on GET RESPONSE rounds; a card that keeps answering
    /// `61xx` forever is broken, not slow.
    static let maximumRounds = 64

    public static func resolve(_ command: CommandAPDU,
                               send: (CommandAPDU) throws(PCSCError) -> ResponseAPDU) throws(PCSCError) -> ResponseAPDU {
        var last = command
        var response = try send(command)
        var collected: [UInt8] = []
        var resentWithLength = false
        for _ in 0..<maximumRounds {
            if let le = response.statusWord.correctLength, !resentWithLength {
                resentWithLength = true
                last.le = le
                response = try send(last)
                continue
            }
            guard let available = response.statusWord.bytesAvailable else {
                return ResponseAPDU(data: collected + response.data, statusWord: response.statusWord)
            }
            collected += response.data
            last = CommandAPDU(cla: 0x00, ins: 0xC0, p1: 0x00, p2: 0x00, le: available)
            resentWithLength = false
            response = try send(last)
        }
        throw .commError
    }
}
