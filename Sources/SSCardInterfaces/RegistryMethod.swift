/// The methods of org.sscard.Registry (Interfaces/org.sscard.Registry.varlink).
public enum RegistryMethod: String, InterfaceMember {
    public static let interface = SSCardInterface.registry

    case apply = "Apply"
    case advanceApplication = "AdvanceApplication"
    case recordInstantProduction = "RecordInstantProduction"
    case bindCard = "BindCard"
    case activate = "Activate"
    case reportLoss = "ReportLoss"
    case releaseLoss = "ReleaseLoss"
    case lock = "Lock"
    case unlock = "Unlock"
    case resetPassword = "ResetPassword"
    case changePassword = "ChangePassword"
    case replace = "Replace"
    case updateHolder = "UpdateHolder"
    case seal = "Seal"
    case unseal = "Unseal"
    case cancel = "Cancel"
    case recordBankEvent = "RecordBankEvent"
    case getStatus = "GetStatus"
    case history = "History"
    case pendingReleases = "PendingReleases"
    case monitor = "Monitor"
    case verifyAudit = "VerifyAudit"
    case backup = "Backup"
}
