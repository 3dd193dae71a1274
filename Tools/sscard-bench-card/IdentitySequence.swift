import PCSC
import SocialSecurityCard
import SSCardValues

/// The APDUs `readIdentity()` sends, for the comparison client.
enum IdentitySequence {
    static var commands: [CommandAPDU] {
        [CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: SocialSecurityApplication.applicationName)]
            + CardField.identityFields.map { field in
                let read = field.readCommand
                return CommandAPDU(cla: 0, ins: 0xB2, p1: read.p1, p2: read.p2, le: read.le)
            }
    }
}

func Hex(_ bytes: [UInt8]) -> String { SSCardValues.Hex.encode(bytes) }
