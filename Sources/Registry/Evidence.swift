import SSCardValues

/// What the holder (or a proxy) showed at the counter: the basis on which an
/// operator acted, kept in the audit trail.
public struct Evidence: Hashable, Codable, Sendable {
    public enum Document: String, CaseIterable, Codable, Sendable {
        case idCard, householdRegister, socialSecurityCard, passport, residencePermit
        case civilRegistryProof, none
    }

    public var document: Document
    /// Set when someone acts for the holder; they show their own ID too.
    public var proxySsn: SocialSecurityNumber?

    public init(document: Document, proxySsn: SocialSecurityNumber? = nil) {
        self.document = document
        self.proxySsn = proxySsn
    }

    public static let none = Evidence(document: .none)

    /// The holder's presence is shown by an identity document or the card itself.
    public var showsIdentity: Bool { document != .none }
}
