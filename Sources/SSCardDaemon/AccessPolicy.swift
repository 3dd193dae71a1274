/// Which role may call which method: the policy table of docs/protocol.md.
///
/// Roles are ordered (kiosk < operator < admin) and each method names the
/// lowest role that may call it. Kiosk calls carry extra conditions, checked
/// by the handlers: the card must be in the kiosk's reader, a loss report
/// must be temporary and name the holder.
public enum AccessPolicy {
    public static let minimumRole: [String: Role] = [
        // Registry: what a kiosk may do with the card inserted.
        "org.sscard.Registry.GetStatus": .kiosk,
        "org.sscard.Registry.ReportLoss": .kiosk,
        "org.sscard.Registry.Activate": .kiosk,
        "org.sscard.Registry.ChangePassword": .kiosk,
        // Registry: holder services at the counter.
        "org.sscard.Registry.Apply": .operator,
        "org.sscard.Registry.BindCard": .operator,
        "org.sscard.Registry.ReleaseLoss": .operator,
        "org.sscard.Registry.Lock": .operator,
        "org.sscard.Registry.Unlock": .operator,
        "org.sscard.Registry.ResetPassword": .operator,
        "org.sscard.Registry.Replace": .operator,
        "org.sscard.Registry.UpdateHolder": .operator,
        "org.sscard.Registry.History": .operator,
        "org.sscard.Registry.PendingReleases": .operator,
        "org.sscard.Registry.Monitor": .operator,
        // Registry: administration.
        "org.sscard.Registry.AdvanceApplication": .admin,
        "org.sscard.Registry.Seal": .admin,
        "org.sscard.Registry.Unseal": .admin,
        "org.sscard.Registry.Cancel": .admin,
        "org.sscard.Registry.VerifyAudit": .admin,
        "org.sscard.Registry.Backup": .admin,
        // Readers.
        "org.sscard.Reader.ListReaders": .kiosk,
        "org.sscard.Reader.ReadCard": .kiosk,
        "org.sscard.Reader.VerifyPin": .kiosk,
        "org.sscard.Reader.ChangePin": .kiosk,
        "org.sscard.Reader.Monitor": .kiosk,
    ]

    /// Whether `role` may call `method`. Unknown methods are not in the
    /// table and are refused; the server answers MethodNotFound first anyway.
    public static func allows(_ role: Role?, _ method: String) -> Bool {
        guard let role, let minimum = minimumRole[method] else { return false }
        return role >= minimum
    }
}
