import SSCardInterfaces

/// Which role may call which method: the policy table of docs/protocol.md.
/// Keyed by the typed method names, so a row cannot name a method the IDL
/// does not declare; AccessPolicyTests fails when an IDL method has no row.
///
/// Roles are ordered (kiosk < operator < admin) and each method names the
/// lowest role that may call it. Kiosk calls carry extra conditions, checked
/// by the handlers: the card must be in the kiosk's reader, a loss report
/// must be temporary and name the holder.
public enum AccessPolicy {
    public static let minimumRole: [SSCardMethod: Role] = [
        // Registry: what a kiosk may do with the card inserted.
        .registry(.getStatus): .kiosk,
        .registry(.reportLoss): .kiosk,
        .registry(.activate): .kiosk,
        .registry(.changePassword): .kiosk,
        // Registry: holder services at the counter.
        .registry(.apply): .operator,
        .registry(.bindCard): .operator,
        .registry(.releaseLoss): .operator,
        .registry(.lock): .operator,
        .registry(.unlock): .operator,
        .registry(.resetPassword): .operator,
        .registry(.replace): .operator,
        .registry(.updateHolder): .operator,
        .registry(.cancel): .operator,
        .registry(.recordBankEvent): .operator,
        .registry(.history): .operator,
        .registry(.pendingReleases): .operator,
        .registry(.monitor): .operator,
        // Registry: administration.
        .registry(.advanceApplication): .admin,
        .registry(.seal): .admin,
        .registry(.unseal): .admin,
        .registry(.verifyAudit): .admin,
        .registry(.backup): .admin,
        // Readers.
        .reader(.listReaders): .kiosk,
        .reader(.readCard): .kiosk,
        .reader(.verifyPin): .kiosk,
        .reader(.changePin): .kiosk,
        .reader(.monitor): .kiosk,
    ]

    /// Whether `role` may call the method a call names. Methods the
    /// interfaces do not declare are refused; the server answers
    /// MethodNotFound first anyway.
    public static func allows(_ role: Role?, _ method: String) -> Bool {
        guard let method = SSCardMethod(name: method) else { return false }
        return allows(role, method)
    }

    public static func allows(_ role: Role?, _ method: SSCardMethod) -> Bool {
        guard let role, let minimum = minimumRole[method] else { return false }
        return role >= minimum
    }
}
