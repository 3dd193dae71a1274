import SocialSecurityCard
import SSCardInterfaces
import SSCardValues
import Varlink

/// A card identity as both interfaces spell it: the type CardIdentity of
/// org.sscard.Reader (ReadCard, Monitor) and org.sscard.Registry (BindCard).
/// The one JSON encoding of an identity: dates `YYYY-MM-DD`, `atr` upper-case
/// hex, `sex` `male` / `female`; the chip generation is not sent (it follows
/// from specVersion). IdentityJSONTests checks it against the IDL.
public enum IdentityJSON {
    public static func identity(_ identity: CardIdentity) -> JSONValue {
        .fields([
            .cardNumber: .string(identity.cardNumber.rawValue),
            .ssn: .string(identity.ssn.rawValue),
            .name: .string(identity.name.rawValue),
            .cardId: .string(identity.cardId.rawValue),
            .region: .string(identity.region),
            .specVersion: .string(identity.specVersion),
            .issueDate: .string(identity.issueDate.description),
            .expiryDate: .string(identity.expiryDate.description),
            .birthDate: .string(identity.birthDate.description),
            .sex: .string(identity.sex.rawValue),
            .ethnicity: .string(identity.ethnicity),
            .birthplace: .string(identity.birthplace),
            .atr: .string(Hex.encode(identity.atr)),
        ])
    }
}
