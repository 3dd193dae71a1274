import Registry
import SSCardInterfaces
import SSCardProtocol
import SSCardValues
import Varlink

/// The remote channel: a 12333 hotline, app or website integration acting
/// for a holder who is not at a counter (audit channel `remote`).
///
/// It has no reader and sees no documents, so what it may do is what the
/// seeds offer remotely — a temporary loss, the card's status, production
/// progress — and every call names the holder by number and name, checked
/// against the registry: a wrong pair is refused as IdentityMismatch and
/// recorded, so the integration cannot be used to look people up by number.
extension RegistryMethods {
    /// GetStatus for the remote role: by ssn and name only; the holder's
    /// cards and applications (their stage and expected date are the progress).
    func remoteStatus(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        guard !p.has(.cardNumber), !p.has(.reader) else {
            throw context.denied("the remote channel asks by the holder's ssn and name")
        }
        let status = try remoteHolder(context, action: .getStatus)
        return .fields([
            .holder: .fields([.ssn: .string(status.holder.ssn.rawValue), .name: .string(status.holder.name.rawValue)]),
            .cards: .array(status.cards.map { RegistryJSON.card($0, name: status.holder.name) }),
            .applications: .array(status.applications.map(RegistryJSON.application)),
        ])
    }

    /// The holder the remote caller names by `ssn` and `name`. An unknown
    /// number and a name that does not match are one answer, IdentityMismatch,
    /// recorded as a refused attempt (at most twice per uid and minute): the
    /// integration learns nothing about who is registered. Phone and address are never shown remotely.
    func remoteHolder(_ context: CallContext, action: AuditAction) throws -> HolderStatus {
        let p = context.parameters
        let ssn = try p.ssn(.ssn)
        let name = try p.holderName(.name)
        let status: HolderStatus?
        do {
            status = try registry.status(of: ssn)
        } catch RegistryError.holderNotFound {
            status = nil
        }
        guard let status, status.holder.name == name else {
            context.recordRefusal(refusedAttempts, action: action, ssn: ssn, reason: "holder name does not match")
            throw VarlinkError(RegistryErrorName.identityMismatch,
                               [.reason: "the holder's name or number does not match the registry"])
        }
        return status
    }
}
