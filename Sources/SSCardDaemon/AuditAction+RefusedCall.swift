import Registry
import SSCardInterfaces

extension AuditAction {
    /// The action a refused call is recorded under: the operation the method
    /// performs, or the method's own action for calls that change nothing.
    /// A switch over the interfaces' methods, so a method added to the IDL
    /// (and so to `RegistryMethod` / `ReaderMethod`) does not compile until
    /// it has an action here.
    init(refusedCall method: SSCardMethod?) {
        switch method {
        case nil: self = .unknownMethod
        case let .registry(method)?: self = Self.action(method)
        case let .reader(method)?: self = Self.action(method)
        }
    }

    private static func action(_ method: RegistryMethod) -> AuditAction {
        switch method {
        case .apply: .apply
        case .advanceApplication: .advance
        case .recordInstantProduction: .produceInstantly
        case .bindCard: .bind
        case .beginBatchImport, .addBatchText, .commitBatchImport, .abortBatchImport: .importBatch
        case .activate: AuditAction(.activate)
        case .reportLoss: .reportLoss
        case .releaseLoss: AuditAction(.releaseLoss)
        case .lock: AuditAction(.lock)
        case .unlock: AuditAction(.unlock)
        case .resetPassword: AuditAction(.resetPassword)
        case .changePassword: AuditAction(.changePassword)
        case .replace: .replace
        case .updateHolder: .updateHolder
        case .seal: AuditAction(.seal)
        case .unseal: AuditAction(.unseal)
        case .cancel: AuditAction(.cancel)
        case .recordBankEvent: .recordBankEvent
        case .getStatus: .getStatus
        case .history: .history
        case .pendingReleases: .pendingReleases
        case .monitor: .monitor
        case .verifyAudit: .verifyAudit
        case .backup: .backup
        case .report: .report
        case .exportAudit: .exportAudit
        }
    }

    private static func action(_ method: ReaderMethod) -> AuditAction {
        switch method {
        case .listReaders: .listReaders
        case .readCard: .readCard
        case .verifyPin: .verifyPin
        case .changePin: .changePin
        case .monitor: .monitorReaders
        case .psamStatus: .psamStatus
        }
    }
}
