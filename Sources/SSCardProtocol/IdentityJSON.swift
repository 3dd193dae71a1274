import SocialSecurityCard
import SSCardValues
import Varlink

/// A card identity object as both interfaces spell it.
public enum IdentityJSON {
    public static func identity(_ identity: CardIdentity) -> JSONValue {
        [
            "cardNumber": .string(identity.cardNumber.rawValue),
            "ssn": .string(identity.ssn.rawValue),
            "name": .string(identity.name.rawValue),
            "cardId": .string(identity.cardId.rawValue),
            "region": .string(identity.region),
            "specVersion": .string(identity.specVersion),
            "issueDate": .string(identity.issueDate.description),
            "expiryDate": .string(identity.expiryDate.description),
            "birthDate": .string(identity.birthDate.description),
            "sex": .string(identity.sex.rawValue),
            "ethnicity": .string(identity.ethnicity),
            "birthplace": .string(identity.birthplace),
            "atr": .string(Hex.encode(identity.atr)),
        ]
    }
}
