import SSCardRig
import Foundation
import PCSC
import SocialSecurityCard

/// The APDU sequence of `SocialSecurityApplication.readIdentity()`, for
/// clients that send it themselves (pyscard, the benchmark's floor).
enum IdentityAPDUs {
    static var commands: [CommandAPDU] {
        [CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: SocialSecurityApplication.applicationName)]
            + CardField.identityFields.map { field in
                let read = field.readCommand
                return CommandAPDU(cla: 0, ins: 0xB2, p1: read.p1, p2: read.p2, le: read.le)
            }
    }

    /// scripts/pyscard-apdus.py in the package, found from this file.
    static var pyscardScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pyscard-apdus.py").path
    }
}
