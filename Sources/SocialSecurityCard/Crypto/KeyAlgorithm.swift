/// The block cipher behind a card's keys: 3DES on generation-1/2 cards, SM4
/// on generation-3 cards.
///
/// Cards and PSAMs name the algorithm with a one-byte algorithm identifier.
/// sscard follows the PBOC 3.0 convention: `00` = 3DES, `04` = SM4. When no
/// identifier is at hand, the card's generation decides (see `init(generation:)`).
public enum KeyAlgorithm: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case tripleDES = "3des"
    case sm4 = "sm4"

    /// The algorithm for a PBOC-style algorithm identifier; nil for the
    /// identifiers sscard does not implement (e.g. `01` SM1, which is secret).
    public init?(algorithmID: UInt8) {
        switch algorithmID {
        case 0x00: self = .tripleDES
        case 0x04: self = .sm4
        default: return nil
        }
    }

    /// Generation 3 cards (spec version "3.00") use SM4; generations 1 and 2 use 3DES.
    public init(generation: Int) {
        self = generation >= 3 ? .sm4 : .tripleDES
    }

    public var algorithmID: UInt8 {
        switch self {
        case .tripleDES: return 0x00
        case .sm4: return 0x04
        }
    }

    public var blockSize: Int {
        switch self {
        case .tripleDES: return 8
        case .sm4: return 16
        }
    }

    /// Bytes sscard asks for with GET CHALLENGE (`00 84 00 00 Le`) before a
    /// MAC-protected command: 4 for 3DES, 8 for SM4. See `PBOCMAC.initialVector`.
    public var challengeLength: Int {
        switch self {
        case .tripleDES: return 4
        case .sm4: return 8
        }
    }

    /// A cipher keyed with `key`.
    public func cipher(key: [UInt8]) throws(CryptoError) -> any BlockCipher {
        switch self {
        case .tripleDES: return try TripleDES(key: key)
        case .sm4: return try SM4(key: key)
        }
    }

    /// Key lengths this algorithm accepts, in bytes.
    public var keyLengths: [Int] {
        switch self {
        case .tripleDES: return [16, 24]
        case .sm4: return [16]
        }
    }

    public var description: String { rawValue }
}
