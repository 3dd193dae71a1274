import SSCardValues

/// A card holder: the insured person, keyed by their social security number.
public struct Holder: Hashable, Codable, Sendable {
    public var ssn: SocialSecurityNumber
    public var name: HolderName
    /// Non-key information: may change at the counter without a new card.
    public var phone: String?
    public var address: String?
    /// Required for a minor: the guardian acts for them.
    public var guardianSsn: SocialSecurityNumber?

    public init(ssn: SocialSecurityNumber, name: HolderName, phone: String? = nil,
                address: String? = nil, guardianSsn: SocialSecurityNumber? = nil) {
        self.ssn = ssn
        self.name = name
        self.phone = phone
        self.address = address
        self.guardianSsn = guardianSsn
    }

    /// Age in whole years on `date`, from the birth date inside the number.
    public func age(on date: CalendarDate) -> Int {
        let birth = ssn.birthDate
        let year = Int(birth.prefix(4)) ?? 0
        let monthDay = Int(birth.suffix(4)) ?? 0
        let age = date.year - year
        return date.month * 100 + date.day < monthDay ? age - 1 : age
    }
}
