import PCSC
import SocialSecurityCard

/// The card's side of the issuer MAC, computed with the card application's
/// own code (`SoftwareSecurityModule`, docs/security-module.md): the master
/// key for the command's purpose is diversified with the card
/// identification code, and the algorithm follows the generation (3DES for
/// spec 1.00/2.00, SM4 for 3.00). Using the same code means the virtual
/// card accepts exactly what sscard's security module produces.
public struct IssuerMACVerifier: CommandMACVerifier {
    public init() {}

    public func verify(command: CommandAPDU, challenge: [UInt8]?, profile: CardProfile) -> Bool {
        guard let challenge, let purpose = Self.purpose(of: command) else { return false }
        let generation = profile.specVersion.first?.wholeNumberValue ?? 1
        let algorithm = KeyAlgorithm(generation: generation)
        let reference = KeyReference(purpose: purpose, algorithm: algorithm)
        guard let master = profile.keys[reference.description],
              let module = try? SoftwareSecurityModule(masterKeys: [reference: master]) else { return false }
        let valid = try? module.verify(command, purpose: purpose, algorithm: algorithm,
                                       cardId: profile.cardId, challenge: challenge)
        return valid ?? false
    }

    static func purpose(of command: CommandAPDU) -> KeyPurpose? {
        switch (command.cla, command.ins) {
        case (0x80, 0x5E): return .reloadPIN
        case (0x84, 0x24): return .unblockPIN
        case (0x84, 0x1E), (0x84, 0x18): return .applicationMaintenance
        default: return nil
        }
    }
}
