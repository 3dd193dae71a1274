import Foundation
import PCSC
import Registry
import SocialSecurityCard
import SSCardInterfaces
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
    /// Production batch imports in progress (BeginBatchImport … CommitBatchImport).
    let batchImports = BatchImportSessions()
    /// Refusals a caller can repeat at will, written at most twice per uid and minute.
    let refusedAttempts: RefusedAttempts

    /// sscardd's state directory (`audit-head` and, by default, the registry): never a backup's target.
    let stateDirectory: String?

    init(registry: Registry, readers: CardReaders, securityModule: (any SecurityModule & Sendable)?,
         auditCheckpoints: AuditCheckpoints? = nil, stateDirectory: String? = nil) {
        self.stateDirectory = stateDirectory
        self.registry = registry
        self.readers = readers
        self.securityModule = securityModule
        self.auditCheckpoints = auditCheckpoints
        refusedAttempts = RefusedAttempts(registry: registry)
    }

    typealias Method = @Sendable (RegistryMethods, CallContext) throws -> JSONValue

    static let methods: [RegistryMethod: Method] = [
        .apply: { try $0.apply($1) },
        .advanceApplication: { try $0.advance($1) },
        .recordInstantProduction: { try $0.recordInstantProduction($1) },
        .bindCard: { try $0.bind($1) },
        .beginBatchImport: { try $0.beginBatchImport($1) },
        .addBatchText: { try $0.addBatchText($1) },
        .commitBatchImport: { try $0.commitBatchImport($1) },
        .abortBatchImport: { try $0.abortBatchImport($1) },
        .activate: { try $0.activate($1) },
        .reportLoss: { try $0.reportLoss($1) },
        .releaseLoss: { try $0.simple(.releaseLoss, $1) },
        .lock: { try $0.lock($1) },
        .unlock: { try $0.unlock($1) },
        .resetPassword: { try $0.resetPassword($1) },
        .changePassword: { try $0.changePassword($1) },
        .replace: { try $0.replace($1) },
        .updateHolder: { try $0.updateHolder($1) },
        .seal: { try $0.simple(.seal, $1) },
        .unseal: { try $0.simple(.unseal, $1) },
        .cancel: { try $0.cancel($1) },
        .recordBankEvent: { try $0.recordBankEvent($1) },
        .getStatus: { try $0.getStatus($1) },
        .history: { try $0.history($1) },
        .pendingReleases: { try $0.pendingReleases($1) },
        .backup: { try $0.backup($1) },
        .report: { try $0.report($1) },
    ]

    // MARK: Queries

    func getStatus(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        if context.isKiosk && (p.has(.cardNumber) || p.has(.ssn)) {
            throw context.denied("a kiosk may query only the card inserted in its reader")
        }
        if context.isRemote {
            return try remoteStatus(context)
        }
        if let ssn = try p.optionalSSN(.ssn) {
            let status = try registry.status(of: ssn)
            return .fields([
                .holder: RegistryJSON.holder(status.holder),
                .cards: .array(status.cards.map { RegistryJSON.card($0, name: status.holder.name) }),
                .applications: .array(status.applications.map(RegistryJSON.application)),
            ])
        }
        if let given = try p.optionalCardNumber(.cardNumber) {
            return .fields([.card: RegistryJSON.card(try registry.status(of: given))])
        }
        // By the card in a reader: the holder is at the kiosk or counter with
        // it, so their applications still in production come too (a kiosk's
        // production progress; it may not query by SSN).
        let status = try registry.status(of: try cardInReader(p, context).cardNumber)
        let applications = try registry.status(of: status.card.ssn).applications
            .filter { $0.stage != .delivered && $0.stage != .rejected }
        return .fields([.card: RegistryJSON.card(status), .applications: .array(applications.map(RegistryJSON.application))])
    }

    func history(_ context: CallContext) throws -> JSONValue {
        let p = context.parameters
        let card = try p.optionalCardNumber(.cardNumber)
        let ssn = try p.optionalSSN(.ssn)
        guard card != nil || ssn != nil else { throw VarlinkError.invalidParameter(.cardNumber) }
        let limit = Int(clamping: try p.optionalInt(.limit) ?? 1000)
        let entries = try registry.history(cardNumber: card, ssn: ssn, limit: max(1, min(limit, 100_000)))
        return .fields([.entries: .array(entries.map(RegistryJSON.auditEntry))])
    }

    func pendingReleases(_ context: CallContext) throws -> JSONValue {
        let limit = Int(clamping: try context.parameters.optionalInt(.limit) ?? 1000)
        let pending = try registry.pendingReleases(limit: max(1, min(limit, 100_000)))
        return .fields([.releases: .array(pending.map {
            .fields([.cardNumber: .string($0.cardNumber.rawValue), .lossExpiresAt: .string($0.deadline.rfc3339)])
        })])
    }

    func backup(_ context: CallContext) throws -> JSONValue {
        let path = try context.parameters.string(.path)
        let overwrite = try context.parameters.optionalBool(.overwrite) ?? false
        let target: BackupTarget
        do {
            target = try BackupTarget.check(path, registryPath: (registry.store as? SQLiteRegistryStore)?.path,
                                            stateDirectory: stateDirectory, overwrite: overwrite)
        } catch {
            throw context.parameters.invalidValue(.path, "\(error)")
        }
        do {
            try registry.store.backup(to: target.path)
        } catch {
            throw VarlinkError(RegistryErrorName.registryUnavailable, [.reason: .string("backup failed: \(error)")])
        }
        return .fields([.path: .string(path)])
    }

    // MARK: Shared pieces

    /// The identity of the card in the call's reader (or the one card present).
    func cardInReader(_ p: Parameters, _ context: CallContext) throws -> CardIdentity {
        try gate.cardInReader(try context.reader(), scope: context.readerScope)
    }

    func request(_ number: CardNumber, _ context: CallContext) throws -> CardRequest {
        let p = context.parameters
        return CardRequest(cardNumber: number, actor: context.actor,
                           evidence: try RegistryJSON.evidence(try p.nested(.evidence)),
                           reason: try p.optionalReason(),
                           electronicCredentialContinues: try p.optionalBool(.electronicCredentialContinues),
                           bankReminder: try p.optionalChoice(.bankReminder, BankReminder.self))
    }

    /// The reply to a change that has committed: the card with its holder's
    /// name. The name is read afterwards; should that read fail (a shared
    /// registry's connection lost just after the commit), the change is still
    /// reported done, without the name, rather than as a failure that did not happen.
    func cardReply(_ card: CardRecord) throws -> JSONValue {
        let status = (try? registry.status(of: card.cardNumber)) ?? CardStatus(card: card, holderName: HolderName(storedValue: ""))
        return .fields([.card: RegistryJSON.card(status)])
    }
}
