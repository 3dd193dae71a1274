/// The chip's elementary files that sscard reads, both under the SSSE application.
public enum ElementaryFile: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// EF05: issuer data (card id, spec version, dates, card number).
    case ef05 = "EF05"
    /// EF06: holder basic information.
    case ef06 = "EF06"

    /// The short file identifier, used in READ RECORD's P2.
    public var shortIdentifier: UInt8 {
        switch self {
        case .ef05: return 5
        case .ef06: return 6
        }
    }

    public var description: String { rawValue }
}

/// A record of EF05 / EF06, named by what it holds. The tag is the record
/// identifier READ RECORD uses (mode 0), so no file needs selecting.
public enum CardField: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case cardId = 0x01
    case category = 0x02
    case specVersion = 0x03
    case issueDate = 0x05
    case expiryDate = 0x06
    case cardNumber = 0x07
    case ssn = 0x08
    case name = 0x09
    case sex = 0x0A
    case ethnicity = 0x0B
    case birthplace = 0x0C
    case birthDate = 0x0D
    case nameExtension = 0x4E

    public var tag: UInt8 { rawValue }

    public var file: ElementaryFile {
        rawValue <= 0x07 ? .ef05 : .ef06
    }

    /// The value length the record has on the card. Names are 0x00-padded
    /// to their full field, but a shorter record is accepted for them.
    public var length: Int {
        switch self {
        case .cardId: return 16
        case .category, .sex, .ethnicity: return 1
        case .specVersion, .issueDate, .expiryDate, .birthDate: return 4
        case .cardNumber: return 9
        case .ssn: return 18
        case .name: return 30
        case .nameExtension: return 20
        case .birthplace: return 3
        }
    }

    /// Value lengths accepted in a response.
    public var acceptedLengths: ClosedRange<Int> {
        switch self {
        case .name, .nameExtension: return 0...length
        default: return length...length
        }
    }

    /// READ RECORD by identifier: `00 B2 <tag> <SFI << 3 | 0> <length + 2>`.
    /// The response is tag, length, value, hence the 2.
    public var readCommand: (p1: UInt8, p2: UInt8, le: Int) {
        (tag, file.shortIdentifier << 3, length + 2)
    }

    /// The fields `readIdentity` reads, in order: EF05 then EF06. The
    /// category (tag 02) is not needed for the identity and is skipped.
    public static let identityFields: [CardField] = [
        .cardId, .specVersion, .issueDate, .expiryDate, .cardNumber,
        .ssn, .name, .nameExtension, .sex, .ethnicity, .birthplace, .birthDate,
    ]

    public var description: String {
        let hex = String(tag, radix: 16, uppercase: true)
        return "\(file) tag \(hex.count == 1 ? "0" + hex : hex)"
    }
}
