/// Minimal ATRs for the virtual card, and the historical bytes of any ATR.
enum ATRBuilder {
    /// T=0: `3B 6x 00 00 <hist>` (TB1, TC1 zero). T=1: `3B 8x 01 <hist> TCK`
    /// (TD1 announces T=1 only, so a check byte is required).
    static func atr(historicalBytes: [UInt8], protocol transmission: TransmissionProtocol) -> [UInt8] {
        let k = UInt8(historicalBytes.count)
        switch transmission {
        case .t0:
            return [0x3B, 0x60 | k, 0x00, 0x00] + historicalBytes
        case .t1:
            let body = [0x80 | k, 0x01] + historicalBytes
            return [0x3B] + body + [body.reduce(0, ^)]
        }
    }

    /// Walks the interface bytes (ISO 7816-3) to find the K historical bytes.
    static func historicalBytes(of atr: [UInt8]) -> [UInt8] {
        guard atr.count >= 2 else { return [] }
        let k = Int(atr[1] & 0x0F)
        var index = 1
        var y = atr[1] >> 4
        while true {
            var td: UInt8?
            for bit in 0..<4 where y & (1 << bit) != 0 {
                index += 1
                if bit == 3, index < atr.count { td = atr[index] }
            }
            guard let next = td else { break }
            y = next >> 4
        }
        let start = index + 1
        guard start + k <= atr.count else { return [] }
        return Array(atr[start..<(start + k)])
    }
}
