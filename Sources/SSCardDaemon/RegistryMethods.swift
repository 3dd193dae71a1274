import Foundation
import PCSC
import Registry
import SocialSecurityCard
import SSCardProtocol
import SSCardValues
import Varlink

/// org.sscard.Registry: parameters in, registry call, JSON out.
struct RegistryMethods: Sendable {
    let registry: Registry
    let readers: CardReaders
    let securityModule: (any SecurityModule & Sendable)?
    /// The audit chain's head outside the database, for VerifyAudit.
    var auditCheckpoints: AuditCheckpoints? = nil

    typealias Method = @Sendable (RegistryMethods, CallContext) throws -> JSONValue

    static let methods: [String: Method] = [
        "Apply": { try $0.apply($1) },
        "AdvanceApplication": { try $0.advance($1) },
        "BindCard": { try $0.bind($1) },
        "Activate": { try $0.activate($1) },
        "ReportLoss": { try $0.reportLoss($1) },
        "ReleaseLoss": { try $0.simple(.releaseLoss, $1) },
        "Lock": { try $0.simple(.lock, $1) },
        "Unlock": { try $0.simple(.unlock, $1) },
        "ResetPassword": { try $0.resetPassword($1) },
        "ChangePassword": { try $0.changePassword($1) },
        "Replace": { try $0.replace($1) },
        "UpdateHolder": { try $0.updateHolder($1) },
        "Seal": { try $0.simple(.seal, $1) },
        "Unseal": { try $0.simple(.unseal, $1) },
        "Cancel": { try $0.simple(.cancel, $1) },
        "GetStatus": { try $0.getStatus($1) },
        "History": { try $0.history($1) },
        "PendingReleases": { try $0.pendingReleases($1) },
        "Backup": { try $0.backup($1) },
    ]

    // MARK: Queries

    func getStatus(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        if context.isKiosk && (p.has("cardNumber") || p.has("ssn")) {
            throw context.denied("a kiosk may query only the card inserted in its reader")
        }
        if let ssn = try p.optionalSSN("ssn") {
            let status = try registry.status(of: ssn)
            return [
                "holder": RegistryJSON.holder(status.holder),
                "cards": .array(status.cards.map { RegistryJSON.card($0, name: status.holder.name) }),
                "applications": .array(status.applications.map(RegistryJSON.application)),
            ]
        }
        let number: CardNumber
        if let given = try p.optionalCardNumber("cardNumber") {
            number = given
        } else {
            number = try cardInReader(p, context).cardNumber
        }
        return ["card": RegistryJSON.card(try registry.status(of: number))]
    }

    func history(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let card = try p.optionalCardNumber("cardNumber")
        let ssn = try p.optionalSSN("ssn")
        guard card != nil || ssn != nil else { throw VarlinkError.invalidParameter("cardNumber") }
        let limit = Int(clamping: try p.optionalInt("limit") ?? 1000)
        let entries = try registry.history(cardNumber: card, ssn: ssn, limit: max(1, min(limit, 100_000)))
        return ["entries": .array(entries.map(RegistryJSON.auditEntry))]
    }

    func pendingReleases(_ context: CallContext) throws -> JSONValue {
        let limit = Int(clamping: try context.parameters.optionalInt("limit") ?? 1000)
        let pending = try registry.pendingReleases(limit: max(1, min(limit, 100_000)))
        return ["releases": .array(pending.map {
            ["cardNumber": .string($0.cardNumber.rawValue), "lossExpiresAt": .string($0.deadline.rfc3339)]
        })]
    }

    func backup(_ context: CallContext) throws -> JSONValue {
        let path = try context.parameters.string("path")
        let overwrite = try context.parameters.optionalBool("overwrite") ?? false
        let target: BackupTarget
        do {
            target = try BackupTarget.check(path, registryPath: (registry.store as? SQLiteRegistryStore)?.path,
                                            overwrite: overwrite)
        } catch {
            throw context.parameters.invalidValue("path", "\(error)")
        }
        do {
            try registry.store.backup(to: target.path)
        } catch {
            throw VarlinkError("org.sscard.Registry.RegistryUnavailable", ["reason": .string("backup failed: \(error)")])
        }
        return ["path": .string(path)]
    }

    // MARK: Shared pieces

    /// The identity of the card in the call's reader (or the one card present).
    func cardInReader(_ p: Parameters, _ context: CallContext) throws -> CardIdentity {
        try readers.withCard(reader: try p.optionalString("reader")) { application, _ in
            try application.readIdentity()
        }.1
    }

    func request(_ number: CardNumber, _ context: CallContext) throws -> CardRequest {
        let p = context.parameters
        return CardRequest(cardNumber: number, actor: context.actor,
                           evidence: try RegistryJSON.evidence(try p.nested("evidence")),
                           reason: try p.optionalString("reason"),
                           electronicCredentialContinues: try p.optionalBool("electronicCredentialContinues"))
    }

    /// The reply to a change that has committed: the card with its holder's
    /// name. The name is read afterwards; should that read fail (a shared
    /// registry's connection lost just after the commit), the change is still
    /// reported done, without the name, rather than as a failure that did not happen.
    func cardReply(_ card: CardRecord) throws -> JSONValue {
        let status = (try? registry.status(of: card.cardNumber)) ?? CardStatus(card: card, holderName: HolderName(storedValue: ""))
        return ["card": RegistryJSON.card(status)]
    }
}
