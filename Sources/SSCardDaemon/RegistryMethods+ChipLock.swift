import Registry
import SocialSecurityCard
import SSCardInterfaces
import Varlink

/// Lock and unlock (应用锁定与解锁), on the chip when the call names a reader.
///
/// With a reader holding the card, the registry decides first (its
/// `authorised` entry is durable before the first APDU), then the chip's
/// application is blocked (APPLICATION BLOCK, temporary: P2 `00`; the
/// permanent block is never sent) or unblocked (APPLICATION UNBLOCK), each
/// with a fresh GET CHALLENGE and the security module's MAC, then the lock or
/// unlock is recorded with `chipBlocked` following the chip. A chip refusal is
/// recorded as failed with its status word and the registry is not changed.
/// The card is reset afterwards, as after every MAC'd command.
///
/// Without a reader, the registry alone, as before; a chip blocked earlier
/// stays blocked, and the card's record says so (`chipBlocked`) until an
/// Unlock names a counter reader holding the card.
extension RegistryMethods {
    func lock(_ context: CallContext) throws -> JSONValue {
        try lockOrUnlock(.lockApplication, context)
    }

    func unlock(_ context: CallContext) throws -> JSONValue {
        try lockOrUnlock(.unlockApplication, context)
    }

    private func lockOrUnlock(_ operation: ChipOperation, _ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        var request = try request(try p.cardNumber(.cardNumber), context)
        guard p.has(.reader) else {
            return try cardReply(try registry.perform(operation.lifecycleOperation, request))
        }
        let reader = try context.reader()
        guard let module = securityModule else {
            throw VarlinkError(RegistryErrorName.ruleViolated,
                               [.rule: "securityModuleMissing", .reason: "no security module keys are configured"])
        }
        request.onChip = true
        try gate.run(operation, request, reader: reader, scope: context.readerScope, identity: .issuerData) {
            application, _ in
            if operation == .lockApplication {
                try application.blockApplication(permanent: false, using: module)
            } else {
                try application.unblockApplication(using: module)
            }
        }
        return try cardReply(try registry.perform(operation.lifecycleOperation, request))
    }
}
