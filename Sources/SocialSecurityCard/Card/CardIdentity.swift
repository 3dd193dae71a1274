import PCSC
import SSCardValues

/// What the chip says about its holder and itself: EF05 and EF06 decoded.
///
/// Its one JSON encoding is SSCardProtocol's `IdentityJSON`, the CardIdentity
/// type of the org.sscard interfaces; this layer knows nothing of the wire.
/// `description` masks personal data, so an identity can be logged.
public struct CardIdentity: Sendable, Hashable, CustomStringConvertible {
    public var cardNumber: CardNumber
    public var ssn: SocialSecurityNumber
    public var name: HolderName
    public var cardId: CardIdentificationCode
    /// The issuing region: the first 6 digits of the card id.
    public var region: String
    /// "1.00", "2.00" or "3.00".
    public var specVersion: String
    /// The first digit of the spec version.
    public var generation: Int
    public var issueDate: CalendarDate
    public var expiryDate: CalendarDate
    public var birthDate: CalendarDate
    public var sex: Sex
    /// GB 3304 ethnicity code, two digits ("01" = 汉).
    public var ethnicity: String
    /// Birthplace region code, up to 6 digits (F padding removed).
    public var birthplace: String
    public var atr: [UInt8]

    public init(cardNumber: CardNumber, ssn: SocialSecurityNumber, name: HolderName,
                cardId: CardIdentificationCode, specVersion: String, generation: Int,
                issueDate: CalendarDate, expiryDate: CalendarDate, birthDate: CalendarDate,
                sex: Sex, ethnicity: String, birthplace: String, atr: [UInt8]) {
        self.cardNumber = cardNumber
        self.ssn = ssn
        self.name = name
        self.cardId = cardId
        self.region = cardId.regionCode
        self.specVersion = specVersion
        self.generation = generation
        self.issueDate = issueDate
        self.expiryDate = expiryDate
        self.birthDate = birthDate
        self.sex = sex
        self.ethnicity = ethnicity
        self.birthplace = birthplace
        self.atr = atr
    }

    /// Decodes READ RECORD responses (tag, length, value). A response that
    /// is missing, or a status other than 9000, means the record is absent;
    /// only the name extension may be absent (`6A83` on some gen-2 cards).
    public init(responses: [CardField: ResponseAPDU], atr: [UInt8]) throws(CardError) {
        func value(_ field: CardField) throws(CardError) -> [UInt8] {
            guard let response = responses[field] else { throw .recordNotFound(field, .recordNotFound) }
            guard response.statusWord.isSuccess else { throw .recordNotFound(field, response.statusWord) }
            return try FieldDecoding.value(of: response.data, field: field)
        }
        func checked<T>(_ field: CardField, _ make: () throws(ValueError) -> T) throws(CardError) -> T {
            do { return try make() } catch { throw .invalidField(field, .invalidValue(error)) }
        }

        let cardIdBytes = try value(.cardId)
        let cardId = try checked(.cardId) { () throws(ValueError) in try CardIdentificationCode(bytes: cardIdBytes) }

        let version = try FieldDecoding.ascii(try value(.specVersion), field: .specVersion)
        let versionBytes = Array(version.utf8)
        guard versionBytes.count == 4, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(versionBytes[0]),
              versionBytes[1] == UInt8(ascii: "."),
              versionBytes[2...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .invalidField(.specVersion, .unknownCode)
        }

        let issueDate = try FieldDecoding.date(try value(.issueDate), field: .issueDate)
        let expiryDate = try FieldDecoding.date(try value(.expiryDate), field: .expiryDate)
        let numberText = try FieldDecoding.ascii(try value(.cardNumber), field: .cardNumber)
        let cardNumber = try checked(.cardNumber) { () throws(ValueError) in try CardNumber(numberText) }
        let ssnText = try FieldDecoding.ascii(try value(.ssn), field: .ssn)
        let ssn = try checked(.ssn) { () throws(ValueError) in try SocialSecurityNumber(ssnText) }

        let nameBytes = FieldDecoding.trimmingPadding(try value(.name))
        var extensionBytes = [UInt8]()
        if let response = responses[.nameExtension], response.statusWord != .recordNotFound {
            guard response.statusWord.isSuccess else { throw .recordNotFound(.nameExtension, response.statusWord) }
            extensionBytes = FieldDecoding.trimmingPadding(try FieldDecoding.value(of: response.data, field: .nameExtension))
        }
        // The name field must stand alone; name and extension are then decoded
        // as one text, so that the error names the field that is broken.
        guard FieldDecoding.isWellFormedGB18030(nameBytes) else { throw .invalidField(.name, .invalidGB18030) }
        let nameText = try FieldDecoding.gb18030(nameBytes + extensionBytes,
                                                 field: extensionBytes.isEmpty ? .name : .nameExtension)
        let name = try checked(.name) { () throws(ValueError) in try HolderName(nameText) }

        let sexBytes = try value(.sex)
        guard let sex = Sex(chipCode: sexBytes[0]) else { throw .invalidField(.sex, .unknownCode) }
        let ethnicity = try FieldDecoding.bcd(try value(.ethnicity), field: .ethnicity)
        guard ethnicity.count == 2 else { throw .invalidField(.ethnicity, .invalidBCD) }
        let birthplace = try FieldDecoding.bcd(try value(.birthplace), field: .birthplace)
        let birthDate = try FieldDecoding.date(try value(.birthDate), field: .birthDate)

        self.init(cardNumber: cardNumber, ssn: ssn, name: name, cardId: cardId, specVersion: version,
                  generation: Int(versionBytes[0] - UInt8(ascii: "0")), issueDate: issueDate,
                  expiryDate: expiryDate, birthDate: birthDate, sex: sex, ethnicity: ethnicity,
                  birthplace: birthplace, atr: atr)
    }

    /// The key algorithm this card's generation uses for MACs.
    public var keyAlgorithm: KeyAlgorithm { KeyAlgorithm(generation: generation) }

    public var description: String {
        "CardIdentity(cardNumber: \(cardNumber), ssn: \(ssn), name: \(name), cardId: \(cardId), "
            + "specVersion: \(specVersion), expiry: \(expiryDate))"
    }
}
